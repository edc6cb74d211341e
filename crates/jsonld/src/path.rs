//! JSON pointers to where in the input an error happened, built lazily: the expansion
//! passes a stack-allocated chain of segments down and renders it only when reporting.

/// One step of a JSON pointer, linked to its parent.
#[derive(Clone, Copy)]
pub(crate) enum Path<'a> {
    /// The document root.
    Root,
    /// An object entry.
    Key(&'a Path<'a>, &'a str),
    /// An array element.
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    /// The path as an RFC 6901 JSON pointer (`""` for the root).
    pub(crate) fn render(&self) -> String {
        let mut segments: Vec<String> = Vec::new();
        let mut cur = self;
        loop {
            match cur {
                Path::Root => break,
                Path::Key(parent, key) => {
                    segments.push(key.replace('~', "~0").replace('/', "~1"));
                    cur = parent;
                }
                Path::Index(parent, i) => {
                    segments.push(i.to_string());
                    cur = parent;
                }
            }
        }
        let mut out = String::new();
        for s in segments.iter().rev() {
            out.push('/');
            out.push_str(s);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_pointer() {
        let root = Path::Root;
        let a = Path::Key(&root, "credentialSubject");
        let b = Path::Index(&a, 2);
        let c = Path::Key(&b, "a/b~c");
        assert_eq!(c.render(), "/credentialSubject/2/a~1b~0c");
        assert_eq!(root.render(), "");
    }
}
