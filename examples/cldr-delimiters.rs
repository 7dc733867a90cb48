//! `cldr-delimiters`: writes `src/document/cldr-delimiters.tsv`, the quotation
//! marks of every CLDR locale, from the `cldr-misc-full` JSON package.
//!
//! ICU4X does not expose CLDR's `delimiters` (quotation marks), so pressroom
//! ships the four characters per locale as a small table generated from the
//! Unicode Consortium's own JSON release, never typed by hand. To refresh it:
//!
//! ```sh
//! npm install --prefix /tmp/cldr cldr-misc-full@48
//! cargo run --example cldr-delimiters -- /tmp/cldr/node_modules/cldr-misc-full \
//!     > src/document/cldr-delimiters.tsv
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(package) = std::env::args().nth(1) else {
        eprintln!("usage: cldr-delimiters PATH/TO/node_modules/cldr-misc-full");
        return ExitCode::from(2);
    };
    match table(Path::new(&package)) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cldr-delimiters: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The TSV text: a header naming the source and its licence, then one line
/// per locale (sorted): locale, quotation start and end, alternate start and
/// end.
fn table(package: &Path) -> Result<String, String> {
    let read =
        |path: &Path| std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()));
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&package.join("package.json"))?).map_err(|e| e.to_string())?;
    let version = manifest["version"].as_str().unwrap_or("?");
    let mut locales: Vec<String> = std::fs::read_dir(package.join("main"))
        .map_err(|e| format!("{}: {e}", package.display()))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    locales.sort();
    let mut out = format!(
        "# Quotation marks per locale from Unicode CLDR (cldr-misc-full {version}, delimiters.json),\n\
         # written by `cargo run --example cldr-delimiters`. Copyright © Unicode, Inc.,\n\
         # distributed under the Unicode License v3 (https://www.unicode.org/license.txt).\n\
         # locale\tquotationStart\tquotationEnd\talternateQuotationStart\talternateQuotationEnd\n"
    );
    for locale in locales {
        let path = package.join("main").join(&locale).join("delimiters.json");
        let json: serde_json::Value =
            serde_json::from_str(&read(&path)?).map_err(|e| format!("{}: {e}", path.display()))?;
        let d = &json["main"][&locale]["delimiters"];
        let field = |name: &str| {
            d[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("{}: no `{name}`", path.display()))
        };
        out.push_str(&format!(
            "{locale}\t{}\t{}\t{}\t{}\n",
            field("quotationStart")?,
            field("quotationEnd")?,
            field("alternateQuotationStart")?,
            field("alternateQuotationEnd")?
        ));
    }
    Ok(out)
}
