//! The architecture, checked: the modules of `src/lib.rs` are layers listed top
//! to bottom, and data flows one way through them.
//!
//! - no module uses one listed before it in `lib.rs`;
//! - only `cli`, `tutor` and the presenters (`present`, `report`) use `ui`;
//! - no two files use each other, directly or round a circle (a module's
//!   `mod.rs` is its table of contents: its `mod` and `pub use` lines are not
//!   uses, and a use of an item it re-exports goes to the file that defines it).
//!
//! And the tests' own layout: every file in tests/ is a module of tests/main.rs.
//!
//! Pure: it reads the source as text, with no Docker and no build of its own.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const PRESENTERS: &[&str] = &["cli", "tutor", "present", "report", "ui"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The layer order of lib.rs: `pub mod` lines, top first.
fn layers() -> Vec<String> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    lib.lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';').to_string())
        .collect()
}

/// Every source file but main.rs, lib.rs and test-only files, with its module path.
fn files() -> Vec<(PathBuf, Vec<String>)> {
    let mut out = Vec::new();
    let mut stack = vec![src()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p.strip_prefix(src()).unwrap().to_path_buf();
            let name = rel.file_name().unwrap().to_string_lossy().to_string();
            if !name.ends_with(".rs")
                || rel.parent() == Some(Path::new("")) && (name == "main.rs" || name == "lib.rs")
                || name == "tests.rs"
                || name.ends_with("_tests.rs")
            {
                continue;
            }
            let mut module: Vec<String> = rel
                .parent()
                .unwrap()
                .components()
                .map(|c| c.as_os_str().to_string_lossy().to_string())
                .collect();
            if name != "mod.rs" {
                module.push(name.trim_end_matches(".rs").to_string());
            }
            out.push((rel, module));
        }
    }
    out.sort();
    out
}

/// The code of a file without comments, string literals and its test module.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = String::new();
    for line in text.lines() {
        let line = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        // Paths inside strings ("crate::x" in a message) are not uses.
        let mut in_str = false;
        for c in line.chars() {
            if c == '"' {
                in_str = !in_str;
            } else if !in_str {
                out.push(c);
            }
        }
        out.push('\n');
    }
    out
}

/// The paths a piece of code names from `crate::` or `super::`: each as the
/// absolute module path it starts from plus its segments (use groups expanded).
fn paths(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let starts_word = i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric()
                || bytes[i - 1] == b'_'
                || bytes[i - 1] == b':');
        let (base, skip) = if starts_word && rest.starts_with("crate::") {
            (Vec::new(), "crate::".len())
        } else if starts_word && rest.starts_with("super::") {
            let mut n = 0;
            let mut k = 0;
            while rest[k..].starts_with("super::") {
                n += 1;
                k += "super::".len();
            }
            // A file's module path ends with its own name and a mod.rs's with its
            // folder's, so `super` is one up from either.
            let up = module.len().saturating_sub(n);
            (module[..up].to_vec(), k)
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let (tree, used) = use_tree(&rest[skip..]);
        for p in tree {
            let mut full = base.clone();
            full.extend(p);
            out.push(full);
        }
        i += skip + used.max(1);
    }
    out
}

/// Parses `a::b::{c, d::e}` into its paths; returns them and the bytes read.
fn use_tree(s: &str) -> (Vec<Vec<String>>, usize) {
    let mut segs = Vec::new();
    let mut i = 0;
    loop {
        let ident: String = s[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if ident.is_empty() {
            if s[i..].starts_with('{') {
                let mut all = Vec::new();
                i += 1;
                loop {
                    let skip_ws = s[i..].len() - s[i..].trim_start().len();
                    i += skip_ws;
                    if s[i..].starts_with('}') {
                        i += 1;
                        break;
                    }
                    let (sub, used) = use_tree(&s[i..]);
                    for p in sub {
                        let mut full = segs.clone();
                        full.extend(p);
                        all.push(full);
                    }
                    i += used.max(1);
                    let skip_ws = s[i..].len() - s[i..].trim_start().len();
                    i += skip_ws;
                    if s[i..].starts_with(',') {
                        i += 1;
                    }
                    if i >= s.len() {
                        break;
                    }
                }
                return (all, i);
            }
            return (vec![segs], i);
        }
        i += ident.len();
        if ident != "self" {
            segs.push(ident);
        }
        if s[i..].starts_with("::") {
            i += 2;
        } else {
            return (vec![segs], i);
        }
    }
}

struct Tree {
    /// Module path → its file.
    files: BTreeMap<Vec<String>, PathBuf>,
    /// mod.rs module path → item name → the submodule that defines it.
    reexports: BTreeMap<Vec<String>, BTreeMap<String, String>>,
}

impl Tree {
    fn build(files: &[(PathBuf, Vec<String>)]) -> Tree {
        let mut tree = Tree {
            files: BTreeMap::new(),
            reexports: BTreeMap::new(),
        };
        for (rel, module) in files {
            tree.files.insert(module.clone(), rel.clone());
            if rel.ends_with("mod.rs") {
                let text = code(&std::fs::read_to_string(src().join(rel)).unwrap());
                let mut map = BTreeMap::new();
                for line in text.split(';') {
                    let Some(rest) = line.trim().strip_prefix("pub use ") else {
                        continue;
                    };
                    for p in use_tree(rest).0 {
                        if let (Some(sub), Some(item)) = (p.first(), p.last()) {
                            let item = item.split(" as ").next().unwrap().trim().to_string();
                            map.insert(item, sub.clone());
                        }
                        // `x as y`: the use tree stops at `as`; the alias is what users name.
                    }
                    if let Some((_, alias)) = rest.split_once(" as ") {
                        let alias = alias.trim().trim_end_matches('}').trim().to_string();
                        if let Some(sub) = use_tree(rest).0.first().and_then(|p| p.first()) {
                            map.insert(alias, sub.clone());
                        }
                    }
                }
                tree.reexports.insert(module.clone(), map);
            }
        }
        tree
    }

    /// The file a path points into: the longest module prefix that is a file,
    /// following a module root's re-exports.
    fn resolve(&self, path: &[String]) -> Option<&PathBuf> {
        let mut best = None;
        for n in (1..=path.len()).rev() {
            if self.files.contains_key(&path[..n]) {
                best = Some(n);
                break;
            }
        }
        let n = best?;
        let module = &path[..n];
        let file = &self.files[module];
        if file.ends_with("mod.rs") {
            if let Some(item) = path.get(n) {
                if let Some(sub) = self.reexports.get(module).and_then(|m| m.get(item)) {
                    let mut next = module.to_vec();
                    next.push(sub.clone());
                    if next.len() < path.len() || !self.files.contains_key(&next) {
                        next.extend(path[n + 1..].iter().cloned());
                    }
                    if self.files.contains_key(&next[..(n + 1).min(next.len())]) {
                        return self.resolve(&next).or(Some(file));
                    }
                }
            }
        }
        Some(file)
    }
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let order = layers();
    assert!(order.len() >= 10, "lib.rs lists {order:?}");
    let rank = |m: &str| order.iter().position(|o| o == m);
    let mut wrong = BTreeSet::new();
    for (rel, module) in files() {
        let top = &module[0];
        let me = rank(top).unwrap_or_else(|| panic!("{} is not in lib.rs", rel.display()));
        let text = code(&std::fs::read_to_string(src().join(&rel)).unwrap());
        for p in paths(&text, &module) {
            let Some(other) = p.first() else { continue };
            if other == top {
                continue;
            }
            let Some(theirs) = rank(other) else { continue };
            if theirs < me {
                wrong.insert(format!(
                    "{} ({top}) uses {} ({other} is above {top} in lib.rs)",
                    rel.display(),
                    p.join("::")
                ));
            }
            if other == "ui" && !PRESENTERS.contains(&top.as_str()) {
                wrong.insert(format!(
                    "{} ({top}) uses {}: only cli, tutor and the presenters write through ui",
                    rel.display(),
                    p.join("::")
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "\n{}",
        wrong.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn no_two_files_use_each_other() {
    let files = files();
    let tree = Tree::build(&files);
    let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (rel, module) in &files {
        let mut text = code(&std::fs::read_to_string(src().join(rel)).unwrap());
        if rel.ends_with("mod.rs") {
            // A module's table of contents: declarations and re-exports are not uses.
            text = text
                .split(';')
                .filter(|s| {
                    let t = s.trim_start();
                    !(t.starts_with("pub use") || t.starts_with("pub mod") || t.starts_with("mod "))
                })
                .collect::<Vec<_>>()
                .join(";");
        }
        for p in paths(&text, module) {
            if let Some(to) = tree.resolve(&p) {
                if to != rel && !to.ends_with("mod.rs") {
                    edges.entry(rel.clone()).or_default().insert(to.clone());
                }
            }
        }
    }
    // Depth-first search for a back edge; the circle is named file by file.
    fn visit(
        at: &PathBuf,
        edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        state: &mut BTreeMap<PathBuf, u8>,
        path: &mut Vec<PathBuf>,
        circles: &mut Vec<String>,
    ) {
        state.insert(at.clone(), 1);
        path.push(at.clone());
        for next in edges.get(at).into_iter().flatten() {
            match state.get(next).copied() {
                Some(1) => {
                    let from = path.iter().position(|p| p == next).unwrap();
                    let mut circle: Vec<String> = path[from..]
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect();
                    circle.push(next.display().to_string());
                    circles.push(circle.join(" → "));
                }
                Some(_) => {}
                None => visit(next, edges, state, path, circles),
            }
        }
        path.pop();
        state.insert(at.clone(), 2);
    }
    let mut state = BTreeMap::new();
    let mut circles = Vec::new();
    for (rel, _) in &files {
        if !state.contains_key(rel) {
            visit(rel, &edges, &mut state, &mut Vec::new(), &mut circles);
        }
    }
    assert!(
        circles.is_empty(),
        "files that use each other:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_parser_reads_use_groups_and_supers() {
    let m = vec!["tutor".to_string(), "course".to_string()];
    let p = paths(
        "use crate::{lab::{mark, LabOps}, ui::Tone};\nuse super::step::{Next, DONE};",
        &m,
    );
    let shown: Vec<String> = p.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        shown,
        [
            "lab::mark",
            "lab::LabOps",
            "ui::Tone",
            "tutor::step::Next",
            "tutor::step::DONE"
        ]
    );
    assert!(paths(&code("let s = \"crate::x\"; // crate::y"), &m).is_empty());
    assert!(code("let s = \"crate::x\"; // crate::y").contains("let s"));
    assert!(!code("let s = \"crate::x\"; // crate::y").contains("crate"));
}

/// With `autotests = false`, a file in tests/ that tests/main.rs does not name
/// would never be built: every one must be a module there (a folder is one
/// module's helpers, or a module of its own with a `mod.rs`).
#[test]
fn every_test_file_is_a_module_of_main() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let main = std::fs::read_to_string(tests.join("main.rs")).unwrap();
    let declared: BTreeSet<String> = main
        .lines()
        .filter_map(|l| l.trim().strip_prefix("mod "))
        .map(|m| m.trim_end_matches(';').to_string())
        .collect();
    let mut missing = Vec::new();
    for e in std::fs::read_dir(&tests).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let module = match name.strip_suffix(".rs") {
            Some("main") => continue,
            Some(m) => m.to_string(),
            None if p.join("mod.rs").exists() => name,
            None => continue,
        };
        if !declared.contains(&module) {
            missing.push(p.display().to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "test files tests/main.rs does not name, so never built: {missing:?}"
    );
}
