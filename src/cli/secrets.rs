//! PINs for the command line: from the environment, else standard input
//! (one line each, in order), else a hidden prompt on a terminal. Never
//! from the command line itself, where `ps` and the shell history see them.

use std::io::{BufRead, IsTerminal};

use crate::error::{Error, Result};
use crate::i18n::Lang;

/// Reads secrets: env var first, else stdin (one line each, in order), else
/// a hidden prompt on a terminal.
pub struct Secrets {
    stdin_lines: Option<std::vec::IntoIter<String>>,
}

impl Secrets {
    pub fn new() -> Secrets {
        Secrets { stdin_lines: None }
    }

    fn next_line(&mut self, prompt_id: &'static str) -> Result<String> {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            let prompt = format!(
                "{} / {}: ",
                crate::i18n::tr(Lang::Ar, prompt_id, &[]),
                crate::i18n::tr(Lang::En, prompt_id, &[])
            );
            return rpassword::prompt_password(prompt).map_err(|_| Error::NoPin);
        }
        let lines = self.stdin_lines.get_or_insert_with(|| {
            stdin
                .lock()
                .lines()
                .map_while(|l| l.ok())
                .collect::<Vec<_>>()
                .into_iter()
        });
        lines
            .next()
            .filter(|l| !l.trim().is_empty())
            .ok_or(Error::NoPin)
    }

    pub fn get(&mut self, env: &str, prompt_id: &'static str) -> Result<String> {
        match std::env::var(env) {
            Ok(v) if !v.is_empty() => Ok(v),
            _ => self.next_line(prompt_id),
        }
    }
}
