//! Command sentences: what the client sends.

/// A `print` filter, built from the query words of the API guide.
///
/// Words are evaluated in order on a stack of booleans; an item is returned when no `false` is
/// left on the stack. Without `?#` operations, consecutive conditions therefore all have to hold.
///
/// ```
/// use routeros::Query;
/// // profile=daily OR profile=weekly
/// let query = Query::new().equals("profile", "daily").equals("profile", "weekly").or();
/// assert_eq!(query.words(), ["?profile=daily", "?profile=weekly", "?#|"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    words: Vec<String>,
}

impl Query {
    pub fn new() -> Self {
        Self::default()
    }

    /// `?name=value`
    pub fn equals(mut self, name: &str, value: &str) -> Self {
        self.words.push(format!("?{name}={value}"));
        self
    }

    /// `?name`: the item has a value for `name`.
    pub fn has(mut self, name: &str) -> Self {
        self.words.push(format!("?{name}"));
        self
    }

    /// `?-name`: the item has no value for `name`.
    pub fn lacks(mut self, name: &str) -> Self {
        self.words.push(format!("?-{name}"));
        self
    }

    /// `?<name=value`
    pub fn less_than(mut self, name: &str, value: &str) -> Self {
        self.words.push(format!("?<{name}={value}"));
        self
    }

    /// `?>name=value`
    pub fn greater_than(mut self, name: &str, value: &str) -> Self {
        self.words.push(format!("?>{name}={value}"));
        self
    }

    /// `?#|`: replaces the top two results with their logical or.
    pub fn or(self) -> Self {
        self.operations("|")
    }

    /// `?#&`: replaces the top two results with their logical and.
    pub fn and(self) -> Self {
        self.operations("&")
    }

    /// `?#!`: negates the top result.
    pub fn negate(self) -> Self {
        self.operations("!")
    }

    /// `?#operations`, for stack programs the helpers above do not cover.
    pub fn operations(mut self, operations: &str) -> Self {
        self.words.push(format!("?#{operations}"));
        self
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// One command sentence, without its tag (the connection assigns tags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    words: Vec<String>,
}

impl Command {
    /// `path` is the command word, e.g. `/ip/hotspot/user/print`.
    pub fn new(path: &str) -> Self {
        Self {
            words: vec![path.to_owned()],
        }
    }

    pub fn path(&self) -> &str {
        &self.words[0]
    }

    /// `=name=value`; the value may be empty or contain `=`.
    pub fn attr(mut self, name: &str, value: &str) -> Self {
        self.words.push(format!("={name}={value}"));
        self
    }

    pub fn query(mut self, query: &Query) -> Self {
        self.words.extend(query.words.iter().cloned());
        self
    }

    /// `=.proplist=a,b,c`: only these properties are returned. An empty list means all.
    pub fn proplist(self, properties: &[&str]) -> Self {
        if properties.is_empty() {
            return self;
        }
        self.attr(".proplist", &properties.join(","))
    }

    /// The words to send, with `.tag=<tag>` appended.
    pub fn tagged_words(&self, tag: &str) -> Vec<String> {
        let mut words = self.words.clone();
        words.push(format!(".tag={tag}"));
        words
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_words_are_in_sent_order() {
        let command = Command::new("/ip/hotspot/user/print")
            .proplist(&["name", ".id"])
            .query(
                &Query::new()
                    .has("comment")
                    .lacks("disabled")
                    .greater_than("uptime", "1h")
                    .negate(),
            );
        assert_eq!(
            command.tagged_words("9"),
            [
                "/ip/hotspot/user/print",
                "=.proplist=name,.id",
                "?comment",
                "?-disabled",
                "?>uptime=1h",
                "?#!",
                ".tag=9"
            ]
        );
    }
}
