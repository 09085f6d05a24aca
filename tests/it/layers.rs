//! The library's layers point down only. Every top-level module has a
//! place in `LAYERS`, and a module may use only those below it: a use that
//! points up (which is how a cycle starts) fails here with its file and
//! line. Read from the source text, the way a reviewer would.

use std::path::{Path, PathBuf};

/// Bottom first. The desk app (`src/gui`, in the binary) sits on top of
/// all of them.
const LAYERS: &[&str] = &[
    "i18n",
    "domain",
    "sample",
    "protocol",
    "error",
    "files",
    "seal",
    "documents",
    "store",
    "sync",
    "demo",
    "cli",
];

/// Parts of a layer that must not use some of the layers below it: the
/// hub is a server of its own and knows no desk store.
const KEEP_OUT: &[(&str, &[&str])] = &[("sync/hub", &["store", "demo"])];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file below `src/` (`store/mod.rs` is `store`).
fn module_path(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src()).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Code without comments (a `crate::` in a doc comment is no use), up to
/// the file's tests: a test may fill a store with demo data from above.
fn code_lines(text: &str) -> Vec<String> {
    text.lines()
        .take_while(|line| !line.starts_with("#[cfg(test)]"))
        .map(|line| match line.find("//") {
            Some(i) => line[..i].to_owned(),
            None => line.to_owned(),
        })
        .collect()
}

fn ident_at(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The top-level names a path after `crate::` reaches: `store` for
/// `crate::store::X`, each first name in `crate::{a::b, c}`.
fn names_after(rest: &str) -> Vec<String> {
    let Some(group) = rest.strip_prefix('{') else {
        return vec![ident_at(rest)];
    };
    let mut names = Vec::new();
    let (mut depth, mut start) = (0, true);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => start = true,
            c if start && !c.is_whitespace() => {
                names.push(ident_at(&group[i..]));
                start = false;
            }
            _ => {}
        }
    }
    names
}

/// Every top-level module `file` uses, with the line it is used on.
fn uses_in(file: &Path) -> Vec<(String, usize)> {
    let here = module_path(file);
    let text = std::fs::read_to_string(file).unwrap();
    // A `use` group may span lines: read the file as one text, remembering
    // where each line starts.
    let code = code_lines(&text).join("\n");
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `citizen_desk::` and the like
        }
        for name in names_after(&code[at + "crate::".len()..]) {
            found.push((name, line_of(at)));
        }
    }
    // `super::x` from a top-level module's own file is the crate root.
    for (at, _) in code.match_indices("super::") {
        let mut rest = &code[at..];
        let mut ups = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            ups += 1;
            rest = r;
        }
        if ups == here.len() {
            for name in names_after(rest) {
                found.push((name, line_of(at)));
            }
        }
    }
    found
}

#[test]
fn the_library_layers_point_down_only() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files.sort();
    let mut upward = Vec::new();
    let mut unplaced = std::collections::BTreeSet::new();
    for file in &files {
        let path = module_path(file);
        let top = path[0].as_str();
        if matches!(top, "lib" | "main" | "gui") {
            continue; // the crate roots, and the app on top of everything
        }
        let Some(level) = LAYERS.iter().position(|l| *l == top) else {
            unplaced.insert(top.to_owned());
            continue;
        };
        let rel = file.strip_prefix(src()).unwrap().display().to_string();
        let kept_out: Vec<&str> = KEEP_OUT
            .iter()
            .filter(|(part, _)| rel.starts_with(part))
            .flat_map(|(_, out)| out.iter().copied())
            .collect();
        for (name, line) in uses_in(file) {
            let Some(used) = LAYERS.iter().position(|l| *l == name) else {
                continue; // not a module: `crate::Result`, a re-export
            };
            if used > level {
                upward.push(format!(
                    "{rel}:{line}: {top} uses {name}, which is above it"
                ));
            } else if kept_out.contains(&name.as_str()) {
                upward.push(format!("{rel}:{line}: uses {name}, which it must not"));
            }
        }
    }
    assert!(
        unplaced.is_empty(),
        "modules with no place in LAYERS (tests/it/layers.rs): {unplaced:?}"
    );
    assert!(
        upward.is_empty(),
        "uses pointing up:\n{}",
        upward.join("\n")
    );
}

#[test]
fn every_library_module_has_a_layer() {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let mut declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    declared.sort();
    let mut layered = LAYERS.to_vec();
    layered.sort();
    assert_eq!(declared, layered);
}

/// The checker itself finds what it must: a use pointing up, inside a
/// group, on the right line, and not in a comment.
#[test]
fn the_layer_check_reads_uses_as_written() {
    assert_eq!(names_after("store::Store;"), ["store"]);
    assert_eq!(
        names_after("{domain::{Action, State}, error::Result, store};"),
        ["domain", "error", "store"]
    );
    let lines = code_lines("use a; // crate::sync\nlet x = crate::store::f();");
    assert_eq!(lines[0], "use a; ");
    assert!(lines[1].contains("crate::store"));
    // A real file of the crate: the store uses the domain.
    let actions = src().join("store").join("actions.rs");
    assert!(
        uses_in(&actions).iter().any(|(n, _)| n == "domain"),
        "{:?}",
        uses_in(&actions)
    );
    // `super::` from `store/mod.rs` names the crate root's modules.
    let store_mod = src().join("store").join("mod.rs");
    assert_eq!(module_path(&store_mod), ["store"]);
}
