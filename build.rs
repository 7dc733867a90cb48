//! Build script: the default theme (`themes/osce/`) is compiled into the
//! binary by `include_dir!` (see `src/theme.rs`), which Cargo cannot see
//! into. Naming the folder here makes Cargo rebuild when any file in it is
//! added, changed or removed, so the built-in theme never goes stale.

fn main() {
    println!("cargo::rerun-if-changed=themes/osce");
}
