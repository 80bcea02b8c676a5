//! supervisord program files (`[program:<name>]` sections), which Workbench's container
//! loads from `/startup/*/*.conf`.
//!
//! Layout: one `[program:<name>]` section per program, programs separated by an empty line,
//! settings as `key=value` in the order given. Strings only when non-empty, booleans
//! (`true`/`false`) and integers always.
//!
//! supervisord reads these files with Python's configparser and then expands
//! `%(name)s` references in values, so `%` is written as `%%`. A value cannot contain a
//! control character (a line break would start another setting), start or end with white
//! space, or contain `;` or `#` after white space (an inline comment); such values are
//! refused with an error naming the program and key, as is the text `%(here)s`, which
//! supervisord replaces even when escaped. Program names may contain only
//! letters, digits and `.`, `_`, `-`, `@`, `+`.

use crate::refused::{self, FirstRefusal, Reason, Refused, Trims};

/// Writes one supervisord configuration file.
#[derive(Debug, Default)]
pub struct Supervisord {
    text: String,
    program: String,
    refusal: FirstRefusal,
}

impl Supervisord {
    /// An empty file.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts `[program:<name>]`.
    pub fn program(&mut self, name: &str) -> &mut Self {
        self.program = name.to_string();
        let checked = refused::name(name, Trims::Unicode).and_then(|()| {
            match name
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+')))
            {
                Some(character) => Err(Reason::Reserved {
                    character,
                    meaning: "cannot appear in a supervisord program name (letters, digits and . _ - @ + only)",
                }),
                None => Ok(()),
            }
        });
        if self.refusal.check(|| format!("[program:{name}]"), checked) {
            if !self.text.is_empty() {
                self.text.push('\n');
            }
            self.text.push_str("[program:");
            self.text.push_str(name);
            self.text.push_str("]\n");
        }
        self
    }

    /// `key=value`, only when the value is non-empty.
    pub fn string(&mut self, key: &str, value: &str) -> &mut Self {
        if value.is_empty() {
            return self;
        }
        let checked = refused::plain(value, Trims::Unicode).and_then(|()| no_inline_comment(value));
        let program = &self.program;
        if self
            .refusal
            .check(|| format!("[program:{program}] {key}"), checked)
        {
            self.line(key, &value.replace('%', "%%"));
        }
        self
    }

    /// `key=true|false`, always.
    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.line(key, if value { "true" } else { "false" });
        self
    }

    /// `key=<integer>`, always.
    pub fn int(&mut self, key: &str, value: i64) -> &mut Self {
        self.line(key, &value.to_string());
        self
    }

    /// The file text (a single newline when empty), or the first refusal.
    pub fn finish(self) -> Result<String, Refused> {
        self.refusal.finish(self.text)
    }

    fn line(&mut self, key: &str, value: &str) {
        self.text.push_str(key);
        self.text.push('=');
        self.text.push_str(value);
        self.text.push('\n');
    }
}

/// supervisord replaces this text in every value, escaped or not.
const HERE: &str = "%(here)s";

fn no_inline_comment(value: &str) -> Result<(), Reason> {
    if value.contains(HERE) {
        return Err(Reason::Reserved {
            character: '%',
            meaning: "starts %(here)s, which supervisord always replaces with the directory of the file",
        });
    }
    let mut previous_blank = false;
    for c in value.chars() {
        if previous_blank && (c == ';' || c == '#') {
            return Err(Reason::CommentMarker(c));
        }
        previous_blank = c.is_whitespace();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_with_correct_log_file_keys() {
        let mut file = Supervisord::new();
        file.program("rstudio-launcher")
            .string("user", "root")
            .string("command", "/usr/lib/rstudio-server/bin/rstudio-launcher")
            .bool("autorestart", false)
            .int("numprocs", 1)
            .string("stdout_logfile", "/dev/stdout")
            .int("stdout_logfile_maxbytes", 0);
        file.program("other").string("command", "echo 100%");
        assert_eq!(
            file.finish().unwrap(),
            "[program:rstudio-launcher]\nuser=root\ncommand=/usr/lib/rstudio-server/bin/rstudio-launcher\nautorestart=false\nnumprocs=1\nstdout_logfile=/dev/stdout\nstdout_logfile_maxbytes=0\n\n[program:other]\ncommand=echo 100%%\n"
        );
    }

    #[test]
    fn inline_comments_line_breaks_and_bad_names_are_refused() {
        for value in ["run ; rm", "run #x", "a\nb", " a", "cd %(here)s"] {
            let mut file = Supervisord::new();
            file.program("p").string("command", value);
            let refused = file.finish().unwrap_err();
            assert_eq!(refused.key, "[program:p] command", "{value:?}");
        }
        let mut file = Supervisord::new();
        file.program("p").string("command", "a;b#c");
        assert!(file.finish().is_ok());
        for name in ["a b", "a:b", "a/b", "a]b", ""] {
            let mut file = Supervisord::new();
            file.program(name);
            assert!(file.finish().is_err(), "{name:?}");
        }
    }
}
