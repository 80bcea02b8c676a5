//! A reader of the Dockerfile's instructions, enough to check what the images contain.
//! (hadolint checks the syntax and the practices; this answers questions about content.)

use serde_json::Value;

/// One instruction, continuation lines joined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// Upper-case keyword: `FROM`, `RUN`, `COPY`, ...
    pub keyword: String,
    /// Everything after the keyword.
    pub arguments: String,
    /// Line of the keyword, from 1.
    pub line: usize,
}

impl Instruction {
    /// Arguments in exec form (`["a", "b"]`), if written so.
    pub fn exec_form(&self) -> Option<Vec<String>> {
        let value: Value = serde_json::from_str(&self.arguments).ok()?;
        value
            .as_array()?
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect()
    }

    /// Arguments split on blanks, options (`--from=...`) included.
    pub fn words(&self) -> Vec<&str> {
        self.arguments.split_whitespace().collect()
    }
}

/// A build stage: `FROM base AS name` and what follows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    pub base: String,
    pub name: Option<String>,
    pub instructions: Vec<Instruction>,
}

impl Stage {
    /// The instructions with this keyword.
    pub fn all(&self, keyword: &str) -> Vec<&Instruction> {
        self.instructions
            .iter()
            .filter(|i| i.keyword == keyword)
            .collect()
    }

    /// The last instruction with this keyword (the one in effect).
    pub fn last(&self, keyword: &str) -> Option<&Instruction> {
        self.all(keyword).into_iter().last()
    }
}

/// Parsed Dockerfile: global `ARG`s and the stages, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dockerfile {
    pub global_args: Vec<Instruction>,
    pub stages: Vec<Stage>,
}

impl Dockerfile {
    pub fn parse(text: &str) -> Dockerfile {
        let mut file = Dockerfile::default();
        for instruction in instructions(text) {
            if instruction.keyword == "FROM" {
                let words = instruction.words();
                let (base, name) = match words.as_slice() {
                    [base, as_, name] if as_.eq_ignore_ascii_case("as") => {
                        (base.to_string(), Some(name.to_string()))
                    }
                    [base, ..] => (base.to_string(), None),
                    [] => (String::new(), None),
                };
                file.stages.push(Stage {
                    base,
                    name,
                    instructions: Vec::new(),
                });
            } else if let Some(stage) = file.stages.last_mut() {
                stage.instructions.push(instruction);
            } else {
                file.global_args.push(instruction);
            }
        }
        file
    }

    /// The stage named `name`.
    pub fn stage(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.name.as_deref() == Some(name))
    }

    /// The default value of a global `ARG`.
    pub fn global_arg(&self, name: &str) -> Option<String> {
        self.global_args.iter().find_map(|arg| {
            let (key, value) = arg.arguments.split_once('=')?;
            (key.trim() == name).then(|| value.trim().to_string())
        })
    }
}

/// Instructions with comments and parser directives dropped and `\` continuations joined.
fn instructions(text: &str) -> Vec<Instruction> {
    let mut out = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('#') || (line.is_empty() && pending.is_none()) {
            continue;
        }
        let (body, continues) = match line.strip_suffix('\\') {
            Some(body) => (body.trim_end(), true),
            None => (line, false),
        };
        let (start, mut joined) = pending.take().unwrap_or((index + 1, String::new()));
        if !joined.is_empty() && !body.is_empty() {
            joined.push(' ');
        }
        joined.push_str(body);
        if continues {
            pending = Some((start, joined));
            continue;
        }
        let (keyword, arguments) = joined
            .split_once(char::is_whitespace)
            .unwrap_or((&joined, ""));
        out.push(Instruction {
            keyword: keyword.to_ascii_uppercase(),
            arguments: arguments.trim().to_string(),
            line: start,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_continuations_and_exec_form() {
        let file = Dockerfile::parse(
            "# syntax=docker/dockerfile:1\nARG V=1\nFROM a:${V} AS build\nRUN one \\\n    two\n\nFROM b\nENTRYPOINT [\"/x\", \"y\"]\n",
        );
        assert_eq!(file.global_arg("V").as_deref(), Some("1"));
        assert_eq!(file.stages.len(), 2);
        let build = file.stage("build").unwrap();
        assert_eq!(build.base, "a:${V}");
        assert_eq!(build.last("RUN").unwrap().arguments, "one two");
        assert_eq!(build.last("RUN").unwrap().line, 4);
        assert_eq!(file.stages[1].name, None);
        assert_eq!(
            file.stages[1]
                .last("ENTRYPOINT")
                .unwrap()
                .exec_form()
                .unwrap(),
            vec!["/x", "y"]
        );
    }
}
