//! The bundled context table (generated from `contexts/context-map.json` and
//! `contexts/vectors/index.json`; `tests/main.rs` checks it against both maps and recomputes
//! every hash).

use super::BundledContext;

/// Every bundled URL, sorted by URL (binary-searchable).
pub(super) static BUNDLED: &[BundledContext] = &[
    BundledContext {
        url: "https://identity.foundation/.well-known/did-configuration/v1",
        file: "dif/did-configuration-v1.json",
        sha256: "e9ff91f8b46e7c26a8cd1af2470132f64f224f0d30ae6338f6d7ddf426bbb702",
        bytes: F_DIF_DID_CONFIGURATION_V1_JSON,
    },
    BundledContext {
        url: "https://imsglobal.github.io/openbadges-specification/context.json",
        file: "1edtech/ob-v3p0-context.json",
        sha256: "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10",
        bytes: F_1EDTECH_OB_V3P0_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://openbadgespec.org/extensions/accessibilityExtension/context-3.0.0.json",
        file: "1edtech/ob-v3p0-extensions/accessibilityExtension-context-3.0.0.json",
        sha256: "a864fd0e3b08fdfb6d9445468796e040f76f90d510557e2ab467dbe42370846f",
        bytes: F_1EDTECH_OB_V3P0_EXTENSIONS_ACCESSIBILITYEXTENSION_CONTEXT_3_0_0_JSON,
    },
    BundledContext {
        url: "https://openbadgespec.org/extensions/accessibilityExtension/context.json",
        file: "1edtech/ob-v2p0-extensions/accessibilityExtension-context.json",
        sha256: "00efc7274f50b2ceda952090414004bb83bbf59ce8622036840a345e35dfa525",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_ACCESSIBILITYEXTENSION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://openbadgespec.org/extensions/applyLinkExtension/context-3.0.0.json",
        file: "1edtech/ob-v3p0-extensions/applyLinkExtension-context-3.0.0.json",
        sha256: "ff51b0bfb7474e8a91b74b3203cc9883110febb0dc094e4f08768bf865d9e5de",
        bytes: F_1EDTECH_OB_V3P0_EXTENSIONS_APPLYLINKEXTENSION_CONTEXT_3_0_0_JSON,
    },
    BundledContext {
        url: "https://openbadgespec.org/extensions/applyLinkExtension/context.json",
        file: "1edtech/ob-v2p0-extensions/applyLinkExtension-context.json",
        sha256: "2ec7e81e41ffae9455e0617c8532dac17fe6634bc6918b68035448ba145a6154",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_APPLYLINKEXTENSION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://openbadgespec.org/extensions/assessmentExtension/context.json",
        file: "1edtech/ob-v2p0-extensions/assessmentExtension-context.json",
        sha256: "46b2e9c907acf78494a77f88ea66f01a436bda1cc9e5167c15c86b39b1d3d914",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_ASSESSMENTEXTENSION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://openbadgespec.org/extensions/endorsement/context.json",
        file: "1edtech/ob-v2p0-extensions/endorsement-context.json",
        sha256: "85b3cd56e0ab06120a7a51c59f02d0114c84ca94dfb5e84494bfde7b2888941d",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_ENDORSEMENT_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://openbadgespec.org/extensions/exampleExtension/context.json",
        file: "1edtech/ob-v2p0-extensions/exampleExtension-context.json",
        sha256: "5827540679c457f11ff12697f3009287dcd193db34c87c5faf922a4a21055fff",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_EXAMPLEEXTENSION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://openbadgespec.org/extensions/extraDescription/context.json",
        file: "1edtech/ob-v2p0-extensions/extraDescription-context.json",
        sha256: "6dbc58d5eed32634576a101f10e4231d0e1cc23a46d8dfc5c37a70be96d8ddea",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_EXTRADESCRIPTION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://openbadgespec.org/extensions/geoCoordinatesExtension/context-3.0.0.json",
        file: "1edtech/ob-v3p0-extensions/geoCoordinatesExtension-context-3.0.0.json",
        sha256: "2a0224ba6bc621fdfbc2118fced31448eaa4fc4dbb0301ed99bbab3d91775993",
        bytes: F_1EDTECH_OB_V3P0_EXTENSIONS_GEOCOORDINATESEXTENSION_CONTEXT_3_0_0_JSON,
    },
    BundledContext {
        url: "https://openbadgespec.org/extensions/geoCoordinatesExtension/context.json",
        file: "1edtech/ob-v2p0-extensions/geoCoordinatesExtension-context.json",
        sha256: "c0348b3b4d01897cd224051d564e18fa1c57131af98db6dc373fed4ac16e4b80",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_GEOCOORDINATESEXTENSION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://openbadgespec.org/extensions/issuerAccreditationExtension/context.json",
        file: "1edtech/ob-v2p0-extensions/issuerAccreditationExtension-context.json",
        sha256: "5cf2c8dbf69e8023c298b0b255c0339a8217c54ef7c4294409a2165a26347b31",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_ISSUERACCREDITATIONEXTENSION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://openbadgespec.org/extensions/licenseExtension/context-3.0.0.json",
        file: "1edtech/ob-v3p0-extensions/licenseExtension-context-3.0.0.json",
        sha256: "0d32012cfe2182d7d9dbf53c0be66ae8414ef957b260f9d31c74f7aa25fd653e",
        bytes: F_1EDTECH_OB_V3P0_EXTENSIONS_LICENSEEXTENSION_CONTEXT_3_0_0_JSON,
    },
    BundledContext {
        url: "https://openbadgespec.org/extensions/licenseExtension/context.json",
        file: "1edtech/ob-v2p0-extensions/licenseExtension-context.json",
        sha256: "ef1144d991310feb4b16f24fad45b41b7ab38f7224499807a7aa2876aedf374d",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_LICENSEEXTENSION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://openbadgespec.org/extensions/originalCreatorExtension/context.json",
        file: "1edtech/ob-v2p0-extensions/originalCreatorExtension-context.json",
        sha256: "96bd22c0ac4e908c0990c6213a7d5a8f60ff2aeeadf735e6fe8cb49428eb6fe4",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_ORIGINALCREATOREXTENSION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://openbadgespec.org/extensions/recipientProfile/context.json",
        file: "1edtech/ob-v2p0-extensions/recipientProfile-context.json",
        sha256: "fcca57a73e976c280b41e6dcd9cc6e2a91e89340e390d4db619b99e6be813399",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_RECIPIENTPROFILE_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://openbadgespec.org/v2/context.json",
        file: "1edtech/ob-v2p0-context.json",
        sha256: "3c0c25a0e581c64cbe632197377c4f334c6c0b95f0d90e3b74449781612b153d",
        bytes: F_1EDTECH_OB_V2P0_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        file: "1edtech/clr-v2p0-context-2.0.1.json",
        sha256: "880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6",
        bytes: F_1EDTECH_CLR_V2P0_CONTEXT_2_0_1_JSON,
    },
    BundledContext {
        url: "https://purl.imsglobal.org/spec/clr/v2p0/context.json",
        file: "1edtech/clr-v2p0-context.json",
        sha256: "e198d7b517d74c5036434ce495086f67b10244709e9a3df9dcb7f8b1579b6167",
        bytes: F_1EDTECH_CLR_V2P0_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://purl.imsglobal.org/spec/ob-accred/v2p0/context",
        file: "1edtech/ob-v3p0-extensions/issuerAccreditationExtension-v2p0-context.json",
        sha256: "f72471e90fcf8ee5a0103df239927317aad1b6b2cbd0365f7784a71ac87b5ea7",
        bytes: F_1EDTECH_OB_V3P0_EXTENSIONS_ISSUERACCREDITATIONEXTENSION_V2P0_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://purl.imsglobal.org/spec/ob-assessment/v2p0/context",
        file: "1edtech/ob-v3p0-extensions/assessmentExtension-v2p0-context.json",
        sha256: "5e0df1382d4e4914f10245dcda4f654649c3118b2fdb34b00155cadbe2910b59",
        bytes: F_1EDTECH_OB_V3P0_EXTENSIONS_ASSESSMENTEXTENSION_V2P0_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        file: "1edtech/ob-v3p0-context-3.0.1.json",
        sha256: "d582f3564282fb3b709136d28412e78e70b678b4dbc2f0221f67d84932748355",
        bytes: F_1EDTECH_OB_V3P0_CONTEXT_3_0_1_JSON,
    },
    BundledContext {
        url: "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        file: "1edtech/ob-v3p0-context-3.0.2.json",
        sha256: "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53",
        bytes: F_1EDTECH_OB_V3P0_CONTEXT_3_0_2_JSON,
    },
    BundledContext {
        url: "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        file: "1edtech/ob-v3p0-context-3.0.3.json",
        sha256: "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
        bytes: F_1EDTECH_OB_V3P0_CONTEXT_3_0_3_JSON,
    },
    BundledContext {
        url: "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        file: "1edtech/ob-v3p0-context.json",
        sha256: "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10",
        bytes: F_1EDTECH_OB_V3P0_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld",
        file: "1edtech/ob-v3p0-context.json",
        sha256: "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10",
        bytes: F_1EDTECH_OB_V3P0_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        file: "1edtech/ob-v3p0-extensions.json",
        sha256: "146f85aa16effd7ca1da8056eb443f53ce1eca8a34186cb062832c0a97d889c3",
        bytes: F_1EDTECH_OB_V3P0_EXTENSIONS_JSON,
    },
    BundledContext {
        url: "https://purl.imsglobal.org/spec/ob/v3p0/obv3p0_tcv1p0_context_v1p0.json",
        file: "1edtech/drafts/obv3p0_tcv1p0_context_v1p0.json",
        sha256: "1e543047a94e248e0c05ad576ea71946d03b172aba83397d6cb7ded6f522b8d1",
        bytes: F_1EDTECH_DRAFTS_OBV3P0_TCV1P0_CONTEXT_V1P0_JSON,
    },
    BundledContext {
        url: "https://w3id.org/openbadges/extensions/accessibilityExtension/context.json",
        file: "1edtech/ob-v2p0-extensions/accessibilityExtension-context.json",
        sha256: "00efc7274f50b2ceda952090414004bb83bbf59ce8622036840a345e35dfa525",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_ACCESSIBILITYEXTENSION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://w3id.org/openbadges/extensions/applyLinkExtension/context.json",
        file: "1edtech/ob-v2p0-extensions/applyLinkExtension-context.json",
        sha256: "2ec7e81e41ffae9455e0617c8532dac17fe6634bc6918b68035448ba145a6154",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_APPLYLINKEXTENSION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://w3id.org/openbadges/extensions/assessmentExtension/context.json",
        file: "1edtech/ob-v2p0-extensions/assessmentExtension-context.json",
        sha256: "46b2e9c907acf78494a77f88ea66f01a436bda1cc9e5167c15c86b39b1d3d914",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_ASSESSMENTEXTENSION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://w3id.org/openbadges/extensions/endorsement/context.json",
        file: "1edtech/ob-v2p0-extensions/endorsement-context.json",
        sha256: "85b3cd56e0ab06120a7a51c59f02d0114c84ca94dfb5e84494bfde7b2888941d",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_ENDORSEMENT_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://w3id.org/openbadges/extensions/exampleExtension/context.json",
        file: "1edtech/ob-v2p0-extensions/exampleExtension-context.json",
        sha256: "5827540679c457f11ff12697f3009287dcd193db34c87c5faf922a4a21055fff",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_EXAMPLEEXTENSION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://w3id.org/openbadges/extensions/extraDescription/context.json",
        file: "1edtech/ob-v2p0-extensions/extraDescription-context.json",
        sha256: "6dbc58d5eed32634576a101f10e4231d0e1cc23a46d8dfc5c37a70be96d8ddea",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_EXTRADESCRIPTION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://w3id.org/openbadges/extensions/geoCoordinatesExtension/context.json",
        file: "1edtech/ob-v2p0-extensions/geoCoordinatesExtension-context.json",
        sha256: "c0348b3b4d01897cd224051d564e18fa1c57131af98db6dc373fed4ac16e4b80",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_GEOCOORDINATESEXTENSION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://w3id.org/openbadges/extensions/issuerAccreditationExtension/context.json",
        file: "1edtech/ob-v2p0-extensions/issuerAccreditationExtension-context.json",
        sha256: "5cf2c8dbf69e8023c298b0b255c0339a8217c54ef7c4294409a2165a26347b31",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_ISSUERACCREDITATIONEXTENSION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://w3id.org/openbadges/extensions/licenseExtension/context.json",
        file: "1edtech/ob-v2p0-extensions/licenseExtension-context.json",
        sha256: "ef1144d991310feb4b16f24fad45b41b7ab38f7224499807a7aa2876aedf374d",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_LICENSEEXTENSION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://w3id.org/openbadges/extensions/originalCreatorExtension/context.json",
        file: "1edtech/ob-v2p0-extensions/originalCreatorExtension-context.json",
        sha256: "96bd22c0ac4e908c0990c6213a7d5a8f60ff2aeeadf735e6fe8cb49428eb6fe4",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_ORIGINALCREATOREXTENSION_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://w3id.org/openbadges/extensions/recipientProfile/context.json",
        file: "1edtech/ob-v2p0-extensions/recipientProfile-context.json",
        sha256: "fcca57a73e976c280b41e6dcd9cc6e2a91e89340e390d4db619b99e6be813399",
        bytes: F_1EDTECH_OB_V2P0_EXTENSIONS_RECIPIENTPROFILE_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://w3id.org/openbadges/legacy-v1",
        file: "1edtech/ob-v1p1-legacy.json",
        sha256: "43b1b387cae8d65b16182d2c89ff1e8e90c221d2f88a2164d324978ba8930db9",
        bytes: F_1EDTECH_OB_V1P1_LEGACY_JSON,
    },
    BundledContext {
        url: "https://w3id.org/openbadges/v1",
        file: "1edtech/ob-v1p1-context.json",
        sha256: "406ec07d0e758a41e84bac6361d29e391188492eb25f7efc51bfa19d8b2db810",
        bytes: F_1EDTECH_OB_V1P1_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://w3id.org/openbadges/v2",
        file: "1edtech/ob-v2p0-context.json",
        sha256: "3c0c25a0e581c64cbe632197377c4f334c6c0b95f0d90e3b74449781612b153d",
        bytes: F_1EDTECH_OB_V2P0_CONTEXT_JSON,
    },
    BundledContext {
        url: "https://w3id.org/security/bbs/v1",
        file: "security/security-bbs-v1.jsonld",
        sha256: "13c9ca884f29b002e9440d2a9b7aaf8611cf8f5b06fefb82161f9b81a67cebf2",
        bytes: F_SECURITY_SECURITY_BBS_V1_JSONLD,
    },
    BundledContext {
        url: "https://w3id.org/security/data-integrity/v1",
        file: "w3c/data-integrity-v1.jsonld",
        sha256: "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
        bytes: F_W3C_DATA_INTEGRITY_V1_JSONLD,
    },
    BundledContext {
        url: "https://w3id.org/security/data-integrity/v2",
        file: "w3c/data-integrity-v2.jsonld",
        sha256: "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4",
        bytes: F_W3C_DATA_INTEGRITY_V2_JSONLD,
    },
    BundledContext {
        url: "https://w3id.org/security/jwk/v1",
        file: "w3c/jwk-v1.jsonld",
        sha256: "0f14b62f6071aafe00df265770ea0c7508e118247d79b7d861a406d2aa00bece",
        bytes: F_W3C_JWK_V1_JSONLD,
    },
    BundledContext {
        url: "https://w3id.org/security/multikey/v1",
        file: "w3c/multikey-v1.jsonld",
        sha256: "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597",
        bytes: F_W3C_MULTIKEY_V1_JSONLD,
    },
    BundledContext {
        url: "https://w3id.org/security/suites/ed25519-2018/v1",
        file: "security/ed25519-2018-v1.jsonld",
        sha256: "166c6abb9e08176cee5f6c87c9c1bbfefa5717da391bcac525e5437f93eab809",
        bytes: F_SECURITY_ED25519_2018_V1_JSONLD,
    },
    BundledContext {
        url: "https://w3id.org/security/suites/ed25519-2020/v1",
        file: "security/ed25519-2020-v1.jsonld",
        sha256: "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588",
        bytes: F_SECURITY_ED25519_2020_V1_JSONLD,
    },
    BundledContext {
        url: "https://w3id.org/security/suites/jws-2020/v1",
        file: "security/jws-2020-v1.jsonld",
        sha256: "d648e05ddc6577827ca2bfd5e931f53e9ebc6e52a57a8da81df4ec8c46ffcd1e",
        bytes: F_SECURITY_JWS_2020_V1_JSONLD,
    },
    BundledContext {
        url: "https://w3id.org/security/suites/secp256k1-2019/v1",
        file: "security/secp256k1-2019-v1.jsonld",
        sha256: "8452efdde151151539b78d240f55cee7d9cc985bf078123ce310aa7ae04763b4",
        bytes: F_SECURITY_SECP256K1_2019_V1_JSONLD,
    },
    BundledContext {
        url: "https://w3id.org/security/suites/x25519-2019/v1",
        file: "security/x25519-2019-v1.jsonld",
        sha256: "d032497b819ad21259daaa11a1e0ce1153592fb58877751944d6b48768c0bf33",
        bytes: F_SECURITY_X25519_2019_V1_JSONLD,
    },
    BundledContext {
        url: "https://w3id.org/security/suites/x25519-2020/v1",
        file: "security/x25519-2020-v1.jsonld",
        sha256: "1fee542597dc2bdc478d4138a5f01d5e6df00d8f0a76c65e4ed71b799079f993",
        bytes: F_SECURITY_X25519_2020_V1_JSONLD,
    },
    BundledContext {
        url: "https://w3id.org/security/v1",
        file: "security/security-v1.jsonld",
        sha256: "abaf97e107d1925503c433dcaf3ffd2831697cacc1ed2a293e1bc8030d5bcb47",
        bytes: F_SECURITY_SECURITY_V1_JSONLD,
    },
    BundledContext {
        url: "https://w3id.org/security/v2",
        file: "security/security-v2.jsonld",
        sha256: "611bd81151d5efe53ec9aed78f5a813e577287bc9451ee26d6879b1b8b46bc3b",
        bytes: F_SECURITY_SECURITY_V2_JSONLD,
    },
    BundledContext {
        url: "https://w3id.org/security/v3",
        file: "security/security-v3-unstable.jsonld",
        sha256: "311be32772d8e42f96c1a6ae899e3fa15efb06c27cfd207d86e8abb9951a3e74",
        bytes: F_SECURITY_SECURITY_V3_UNSTABLE_JSONLD,
    },
    BundledContext {
        url: "https://w3id.org/vc-revocation-list-2020/v1",
        file: "w3c/vc-revocation-list-2020-v1.jsonld",
        sha256: "9fe1e5bd6d2f709e4628947c86455f2d97204e07ed7b7ae51d559e35e5238e9d",
        bytes: F_W3C_VC_REVOCATION_LIST_2020_V1_JSONLD,
    },
    BundledContext {
        url: "https://w3id.org/vc/status-list/2021/v1",
        file: "w3c/status-list-2021-v1.jsonld",
        sha256: "6dd06a52bedb771e059c1083ba8ba7848dce22f6b4a8cfa0b98ba3fc188870e4",
        bytes: F_W3C_STATUS_LIST_2021_V1_JSONLD,
    },
    BundledContext {
        url: "https://www.w3.org/2018/credentials/examples/v1",
        file: "w3c/credentials-examples-v1.jsonld",
        sha256: "2070ae4e75bc3b4c2cfe2b8b6e86ec45119672bbb5da283f0399ea96c60a0104",
        bytes: F_W3C_CREDENTIALS_EXAMPLES_V1_JSONLD,
    },
    BundledContext {
        url: "https://www.w3.org/2018/credentials/v1",
        file: "w3c/credentials-v1.jsonld",
        sha256: "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc",
        bytes: F_W3C_CREDENTIALS_V1_JSONLD,
    },
    BundledContext {
        url: "https://www.w3.org/ns/credentials/examples/v2",
        file: "w3c/credentials-examples-v2.jsonld",
        sha256: "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
        bytes: F_W3C_CREDENTIALS_EXAMPLES_V2_JSONLD,
    },
    BundledContext {
        url: "https://www.w3.org/ns/credentials/status/v1",
        file: "w3c/bitstring-status-list-v1.jsonld",
        sha256: "fda5add353231e6a6884a46b12e6c75464281900cb348284d9c360f62381d9f7",
        bytes: F_W3C_BITSTRING_STATUS_LIST_V1_JSONLD,
    },
    BundledContext {
        url: "https://www.w3.org/ns/credentials/undefined-terms/v2",
        file: "w3c/credentials-undefined-terms-v2.jsonld",
        sha256: "82dab514ba44eb18f5d1b0f638c5e140c6a556fbfb5089601bdc0fa5eb8b2581",
        bytes: F_W3C_CREDENTIALS_UNDEFINED_TERMS_V2_JSONLD,
    },
    BundledContext {
        url: "https://www.w3.org/ns/credentials/v2",
        file: "w3c/credentials-v2.jsonld",
        sha256: "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
        bytes: F_W3C_CREDENTIALS_V2_JSONLD,
    },
    BundledContext {
        url: "https://www.w3.org/ns/did/v1",
        file: "did/did-v1.jsonld",
        sha256: "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f",
        bytes: F_DID_DID_V1_JSONLD,
    },
    BundledContext {
        url: "https://www.w3.org/ns/odrl.jsonld",
        file: "w3c/odrl.jsonld",
        sha256: "f9937a5cf820abc39a1b954a3752132a9334fb23ec4a379e77a74a007c8f567d",
        bytes: F_W3C_ODRL_JSONLD,
    },
];

const F_1EDTECH_CLR_V2P0_CONTEXT_2_0_1_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/clr-v2p0-context-2.0.1.json");
const F_1EDTECH_CLR_V2P0_CONTEXT_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/clr-v2p0-context.json");
const F_1EDTECH_DRAFTS_OBV3P0_TCV1P0_CONTEXT_V1P0_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/drafts/obv3p0_tcv1p0_context_v1p0.json");
const F_1EDTECH_OB_V1P1_CONTEXT_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/ob-v1p1-context.json");
const F_1EDTECH_OB_V1P1_LEGACY_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/ob-v1p1-legacy.json");
const F_1EDTECH_OB_V2P0_CONTEXT_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/ob-v2p0-context.json");
const F_1EDTECH_OB_V2P0_EXTENSIONS_ACCESSIBILITYEXTENSION_CONTEXT_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/ob-v2p0-extensions/accessibilityExtension-context.json");
const F_1EDTECH_OB_V2P0_EXTENSIONS_APPLYLINKEXTENSION_CONTEXT_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/ob-v2p0-extensions/applyLinkExtension-context.json");
const F_1EDTECH_OB_V2P0_EXTENSIONS_ASSESSMENTEXTENSION_CONTEXT_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/ob-v2p0-extensions/assessmentExtension-context.json");
const F_1EDTECH_OB_V2P0_EXTENSIONS_ENDORSEMENT_CONTEXT_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/ob-v2p0-extensions/endorsement-context.json");
const F_1EDTECH_OB_V2P0_EXTENSIONS_EXAMPLEEXTENSION_CONTEXT_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/ob-v2p0-extensions/exampleExtension-context.json");
const F_1EDTECH_OB_V2P0_EXTENSIONS_EXTRADESCRIPTION_CONTEXT_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/ob-v2p0-extensions/extraDescription-context.json");
const F_1EDTECH_OB_V2P0_EXTENSIONS_GEOCOORDINATESEXTENSION_CONTEXT_JSON: &[u8] = include_bytes!(
    "../../contexts/1edtech/ob-v2p0-extensions/geoCoordinatesExtension-context.json"
);
const F_1EDTECH_OB_V2P0_EXTENSIONS_ISSUERACCREDITATIONEXTENSION_CONTEXT_JSON: &[u8] = include_bytes!(
    "../../contexts/1edtech/ob-v2p0-extensions/issuerAccreditationExtension-context.json"
);
const F_1EDTECH_OB_V2P0_EXTENSIONS_LICENSEEXTENSION_CONTEXT_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/ob-v2p0-extensions/licenseExtension-context.json");
const F_1EDTECH_OB_V2P0_EXTENSIONS_ORIGINALCREATOREXTENSION_CONTEXT_JSON: &[u8] = include_bytes!(
    "../../contexts/1edtech/ob-v2p0-extensions/originalCreatorExtension-context.json"
);
const F_1EDTECH_OB_V2P0_EXTENSIONS_RECIPIENTPROFILE_CONTEXT_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/ob-v2p0-extensions/recipientProfile-context.json");
const F_1EDTECH_OB_V3P0_CONTEXT_3_0_1_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/ob-v3p0-context-3.0.1.json");
const F_1EDTECH_OB_V3P0_CONTEXT_3_0_2_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/ob-v3p0-context-3.0.2.json");
const F_1EDTECH_OB_V3P0_CONTEXT_3_0_3_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/ob-v3p0-context-3.0.3.json");
const F_1EDTECH_OB_V3P0_CONTEXT_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/ob-v3p0-context.json");
const F_1EDTECH_OB_V3P0_EXTENSIONS_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/ob-v3p0-extensions.json");
const F_1EDTECH_OB_V3P0_EXTENSIONS_ACCESSIBILITYEXTENSION_CONTEXT_3_0_0_JSON: &[u8] = include_bytes!(
    "../../contexts/1edtech/ob-v3p0-extensions/accessibilityExtension-context-3.0.0.json"
);
const F_1EDTECH_OB_V3P0_EXTENSIONS_APPLYLINKEXTENSION_CONTEXT_3_0_0_JSON: &[u8] = include_bytes!(
    "../../contexts/1edtech/ob-v3p0-extensions/applyLinkExtension-context-3.0.0.json"
);
const F_1EDTECH_OB_V3P0_EXTENSIONS_ASSESSMENTEXTENSION_V2P0_CONTEXT_JSON: &[u8] = include_bytes!(
    "../../contexts/1edtech/ob-v3p0-extensions/assessmentExtension-v2p0-context.json"
);
const F_1EDTECH_OB_V3P0_EXTENSIONS_GEOCOORDINATESEXTENSION_CONTEXT_3_0_0_JSON: &[u8] = include_bytes!(
    "../../contexts/1edtech/ob-v3p0-extensions/geoCoordinatesExtension-context-3.0.0.json"
);
const F_1EDTECH_OB_V3P0_EXTENSIONS_ISSUERACCREDITATIONEXTENSION_V2P0_CONTEXT_JSON: &[u8] = include_bytes!(
    "../../contexts/1edtech/ob-v3p0-extensions/issuerAccreditationExtension-v2p0-context.json"
);
const F_1EDTECH_OB_V3P0_EXTENSIONS_LICENSEEXTENSION_CONTEXT_3_0_0_JSON: &[u8] =
    include_bytes!("../../contexts/1edtech/ob-v3p0-extensions/licenseExtension-context-3.0.0.json");
const F_DID_DID_V1_JSONLD: &[u8] = include_bytes!("../../contexts/did/did-v1.jsonld");
const F_DIF_DID_CONFIGURATION_V1_JSON: &[u8] =
    include_bytes!("../../contexts/dif/did-configuration-v1.json");
const F_SECURITY_ED25519_2018_V1_JSONLD: &[u8] =
    include_bytes!("../../contexts/security/ed25519-2018-v1.jsonld");
const F_SECURITY_ED25519_2020_V1_JSONLD: &[u8] =
    include_bytes!("../../contexts/security/ed25519-2020-v1.jsonld");
const F_SECURITY_JWS_2020_V1_JSONLD: &[u8] =
    include_bytes!("../../contexts/security/jws-2020-v1.jsonld");
const F_SECURITY_SECP256K1_2019_V1_JSONLD: &[u8] =
    include_bytes!("../../contexts/security/secp256k1-2019-v1.jsonld");
const F_SECURITY_SECURITY_BBS_V1_JSONLD: &[u8] =
    include_bytes!("../../contexts/security/security-bbs-v1.jsonld");
const F_SECURITY_SECURITY_V1_JSONLD: &[u8] =
    include_bytes!("../../contexts/security/security-v1.jsonld");
const F_SECURITY_SECURITY_V2_JSONLD: &[u8] =
    include_bytes!("../../contexts/security/security-v2.jsonld");
const F_SECURITY_SECURITY_V3_UNSTABLE_JSONLD: &[u8] =
    include_bytes!("../../contexts/security/security-v3-unstable.jsonld");
const F_SECURITY_X25519_2019_V1_JSONLD: &[u8] =
    include_bytes!("../../contexts/security/x25519-2019-v1.jsonld");
const F_SECURITY_X25519_2020_V1_JSONLD: &[u8] =
    include_bytes!("../../contexts/security/x25519-2020-v1.jsonld");
const F_W3C_BITSTRING_STATUS_LIST_V1_JSONLD: &[u8] =
    include_bytes!("../../contexts/w3c/bitstring-status-list-v1.jsonld");
const F_W3C_CREDENTIALS_EXAMPLES_V1_JSONLD: &[u8] =
    include_bytes!("../../contexts/w3c/credentials-examples-v1.jsonld");
const F_W3C_CREDENTIALS_EXAMPLES_V2_JSONLD: &[u8] =
    include_bytes!("../../contexts/w3c/credentials-examples-v2.jsonld");
const F_W3C_CREDENTIALS_UNDEFINED_TERMS_V2_JSONLD: &[u8] =
    include_bytes!("../../contexts/w3c/credentials-undefined-terms-v2.jsonld");
const F_W3C_CREDENTIALS_V1_JSONLD: &[u8] =
    include_bytes!("../../contexts/w3c/credentials-v1.jsonld");
const F_W3C_CREDENTIALS_V2_JSONLD: &[u8] =
    include_bytes!("../../contexts/w3c/credentials-v2.jsonld");
const F_W3C_DATA_INTEGRITY_V1_JSONLD: &[u8] =
    include_bytes!("../../contexts/w3c/data-integrity-v1.jsonld");
const F_W3C_DATA_INTEGRITY_V2_JSONLD: &[u8] =
    include_bytes!("../../contexts/w3c/data-integrity-v2.jsonld");
const F_W3C_JWK_V1_JSONLD: &[u8] = include_bytes!("../../contexts/w3c/jwk-v1.jsonld");
const F_W3C_MULTIKEY_V1_JSONLD: &[u8] = include_bytes!("../../contexts/w3c/multikey-v1.jsonld");
const F_W3C_ODRL_JSONLD: &[u8] = include_bytes!("../../contexts/w3c/odrl.jsonld");
const F_W3C_STATUS_LIST_2021_V1_JSONLD: &[u8] =
    include_bytes!("../../contexts/w3c/status-list-2021-v1.jsonld");
const F_W3C_VC_REVOCATION_LIST_2020_V1_JSONLD: &[u8] =
    include_bytes!("../../contexts/w3c/vc-revocation-list-2020-v1.jsonld");
