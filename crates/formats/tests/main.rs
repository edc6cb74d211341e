//! Integration tests for credbridge-formats (one binary, modules per area).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod bake;
mod containers;
mod examples;
mod hostile;
mod limits;
mod properties;
mod streaming;

use std::path::{Path, PathBuf};

use base64::Engine as _;
use credbridge_formats::{
    ContainerKind, Error, Item, Limits, Payload, PngTextChunk, SvgCarrier, decode_bytes,
};

/// `testdata/examples` of the repository.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/examples")
}

pub fn example(relative: &str) -> Vec<u8> {
    let path = examples_dir().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn example_str(relative: &str) -> String {
    String::from_utf8(example(relative))
        .unwrap()
        .trim()
        .to_owned()
}

/// Every result of decoding `bytes` with the default limits.
pub fn decode_all(bytes: &[u8], name: &str) -> Vec<Result<Item, Error>> {
    decode_bytes(bytes, name, &Limits::default()).collect()
}

/// Decodes and expects no error.
pub fn decode_ok(bytes: &[u8], name: &str) -> Vec<Item> {
    decode_all(bytes, name)
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("unexpected error: {e}")))
        .collect()
}

/// A short code per container kind, so expectations read like `json > clr > jwt`.
pub fn code(kind: &ContainerKind) -> String {
    match kind {
        ContainerKind::Json => "json".into(),
        ContainerKind::JsonArray => "array".into(),
        ContainerKind::JsonLines => "lines".into(),
        ContainerKind::Jwt => "jwt".into(),
        ContainerKind::JwtInJsonObject => "jwt-in-object".into(),
        ContainerKind::PngBaked { chunk, keyword } => {
            let chunk = match chunk {
                PngTextChunk::Itxt => "iTXt",
                PngTextChunk::Text => "tEXt",
                PngTextChunk::Ztxt => "zTXt",
                other => panic!("{other:?}"),
            };
            format!("png:{chunk}:{keyword}")
        }
        ContainerKind::SvgBaked { how, namespace } => {
            let how = match how {
                SvgCarrier::Element => "element",
                SvgCarrier::Cdata => "cdata",
                SvgCarrier::VerifyAttribute => "verify",
                other => panic!("{other:?}"),
            };
            let ns = match namespace.as_str() {
                "https://purl.imsglobal.org/ob/v3p0" => "ob3",
                "https://purl.imsglobal.org/clr/v2p0" => "clr2",
                "http://openbadges.org" => "ob2",
                other => panic!("{other}"),
            };
            format!("svg:{how}:{ns}")
        }
        ContainerKind::Zip => "zip".into(),
        ContainerKind::Directory => "dir".into(),
        ContainerKind::ClrInner => "clr".into(),
        ContainerKind::PresentationInner => "vp".into(),
        ContainerKind::EnvelopedDataUrl { media_type } => format!("data:{media_type}"),
        ContainerKind::EndorsementJwt => "endorsement".into(),
        ContainerKind::ApiResponse => "api".into(),
        other => panic!("{other:?}"),
    }
}

pub fn codes(item: &Item) -> String {
    item.containers
        .iter()
        .map(code)
        .collect::<Vec<_>>()
        .join(" > ")
}

/// `json`, `url` or `jws:<kind>`.
pub fn payload_code(item: &Item) -> String {
    match &item.payload {
        Payload::Json { .. } => "json".into(),
        Payload::Jws { kind, .. } => format!("jws:{kind:?}"),
        Payload::Url { .. } => "url".into(),
        other => panic!("{other:?}"),
    }
}

/// One line per result: `path | containers | payload` or `ERR <variant>`.
pub fn summary(results: &[Result<Item, Error>]) -> Vec<String> {
    results
        .iter()
        .map(|r| match r {
            Ok(item) => format!("{} | {} | {}", item.path, codes(item), payload_code(item)),
            Err(e) => format!(
                "ERR {} @ {}",
                variant(e),
                e.path().map(ToString::to_string).unwrap_or_default()
            ),
        })
        .collect()
}

/// The variant name of an error.
pub fn variant(error: &Error) -> &'static str {
    match error {
        Error::NotACredentialContainer { .. } => "NotACredentialContainer",
        Error::InvalidJson { .. } => "InvalidJson",
        Error::JwsMalformed { .. } => "JwsMalformed",
        Error::DataUrlMalformed { .. } => "DataUrlMalformed",
        Error::PngMalformed { .. } => "PngMalformed",
        Error::PngTextInvalid { .. } => "PngTextInvalid",
        Error::PngChunkTooLarge { .. } => "PngChunkTooLarge",
        Error::PngNotBaked { .. } => "PngNotBaked",
        Error::SvgXml { .. } => "SvgXml",
        Error::SvgNotBaked { .. } => "SvgNotBaked",
        Error::BakedValueEmpty { .. } => "BakedValueEmpty",
        Error::FileTooLarge { .. } => "FileTooLarge",
        Error::ZipMalformed { .. } => "ZipMalformed",
        Error::ZipTooManyEntries { .. } => "ZipTooManyEntries",
        Error::ZipCompressionRatio { .. } => "ZipCompressionRatio",
        Error::ZipTotalTooLarge { .. } => "ZipTotalTooLarge",
        Error::NestingTooDeep { .. } => "NestingTooDeep",
        Error::JsonTooDeep { .. } => "JsonTooDeep",
        Error::DirectoryTooDeep { .. } => "DirectoryTooDeep",
        Error::TooManyItems { .. } => "TooManyItems",
        Error::BakePayloadInvalid { .. } => "BakePayloadInvalid",
        Error::Io { .. } => "Io",
        Error::ZipArchiveRatio { .. } => "ZipArchiveRatio",
        Error::ZipOverlappingEntries { .. } => "ZipOverlappingEntries",
        Error::SvgTooManyAttributes { .. } => "SvgTooManyAttributes",
        Error::SvgTooManyNamespaceBindings { .. } => "SvgTooManyNamespaceBindings",
        Error::JsonTooManyValues { .. } => "JsonTooManyValues",
        Error::JsonStringTooLong { .. } => "JsonStringTooLong",
        Error::JsonExpansionTooLarge { .. } => "JsonExpansionTooLarge",
        Error::NotARegularFile { .. } => "NotARegularFile",
        Error::SymlinkOutsideInput { .. } => "SymlinkOutsideInput",
        other => panic!("{other:?}"),
    }
}

/// A compact JWS with `alg: none` and an empty signature around `claims` (no crypto here).
pub fn unsigned_jws(header: &serde_json::Value, claims: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.",
        b64.encode(serde_json::to_vec(header).unwrap()),
        b64.encode(claims)
    )
}

/// A temporary directory under the target dir, emptied first.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A zip archive of (name, bytes, deflated?) entries; names ending in `/` are directories.
pub fn zip_of(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
    use std::io::Write as _;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes, deflate) in entries {
        let method = if *deflate {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(bytes.len() > 1 << 30);
        if name.ends_with('/') {
            writer.add_directory(*name, options).unwrap();
        } else {
            writer.start_file(*name, options).unwrap();
            writer.write_all(bytes).unwrap();
        }
    }
    writer.finish().unwrap().into_inner()
}
