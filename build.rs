//! Lists the schema migrations for `storage::schema`: every `NNNN_name.sql` in
//! `src/storage/migrations`, in order, so a new migration is a new file and nothing
//! else. The numbers must run 1, 2, 3 … without a gap or a repeat.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/storage/migrations");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("src/storage/migrations is readable")
        .map(|entry| entry.expect("a directory entry").file_name())
        .filter_map(|name| name.to_str()?.strip_suffix(".sql").map(str::to_owned))
        .collect();
    names.sort();
    let mut out = String::from("&[\n");
    for (at, name) in names.iter().enumerate() {
        assert!(
            name.starts_with(&format!("{:04}_", at + 1)),
            "migration {name}.sql is out of sequence: expected number {:04}",
            at + 1
        );
        let path = dir.join(format!("{name}.sql"));
        writeln!(out, "    ({name:?}, include_str!({:?})),", path.display()).unwrap();
    }
    out.push(']');
    let target = Path::new(&std::env::var("OUT_DIR").unwrap()).join("migrations.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}
