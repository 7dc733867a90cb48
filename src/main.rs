//! The `pressroom` command: parses arguments, calls the library, prints.
//!
//! Only this file talks to the terminal. Exit codes: 0 success, 1 the input has
//! errors (they are printed as `path:line:column: error: …`) or the output
//! cannot be written to, 2 the command line itself is wrong (clap's
//! convention).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use pressroom::diagnostics::Diagnostics;
use pressroom::{BuildOptions, BuildReport};

// Every print below goes through `emit`, so a closed pipe (`| head -c1`) or a
// full disk (`> /dev/full`) never panics: these shadow the std macros.
macro_rules! println {
    ($($arg:tt)*) => { emit(Stream::Out, format_args!("{}\n", format_args!($($arg)*))) };
}
macro_rules! print {
    ($($arg:tt)*) => { emit(Stream::Out, format_args!($($arg)*)) };
}
macro_rules! eprintln {
    ($($arg:tt)*) => { emit(Stream::Err, format_args!("{}\n", format_args!($($arg)*))) };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    Out,
    Err,
}

/// Writes to stdout or stderr. When that fails, says so in one line on
/// stderr (if stdout was the one that failed) and exits with 1 at once:
/// nothing more can be shown, and a panic would only add noise and exit 101.
fn emit(stream: Stream, args: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let result = match stream {
        Stream::Out => {
            let mut out = std::io::stdout().lock();
            out.write_fmt(args).and_then(|()| out.flush())
        }
        Stream::Err => std::io::stderr().lock().write_fmt(args),
    };
    if let Err(e) = result {
        if stream == Stream::Out {
            let _ = writeln!(
                std::io::stderr(),
                "error: cannot write to the standard output: {e}"
            );
        }
        std::process::exit(1);
    }
}

/// A static site generator for multilingual press-release archives.
#[derive(Debug, Parser)]
#[command(name = "pressroom", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder.
    Build(BuildArgs),
    /// Check the site for errors without writing anything.
    Check(CheckArgs),
    /// Create new content.
    #[command(subcommand)]
    New(NewCommand),
    /// Check that every internal link of a built site resolves to a file.
    CheckLinks(CheckLinksArgs),
    /// Turn plain-text press releases into markdown releases under content/.
    Import(ImportArgs),
    /// Build, then rebuild the output folder after every change.
    Watch(BuildArgs),
    /// Build, serve the site locally, and reload browsers after every change.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Include releases and pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Include releases whose embargo has not lifted yet.
    #[arg(long)]
    embargoed: bool,
    /// The address to listen on. Other machines can reach the server only
    /// if this is not a loopback address (e.g. 0.0.0.0).
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    bind: std::net::IpAddr,
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Open the site in the default browser once it is built.
    #[arg(long)]
    open: bool,
    /// Write the served site here (default: a temporary folder, removed on
    /// exit; public/ is never touched).
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ImportArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The plain-text files to import.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The language of the texts (a language of the site).
    #[arg(long)]
    lang: String,
    /// Replace releases imported earlier from the same texts.
    #[arg(long)]
    force: bool,
    /// Print what would be written, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// A tag key to give every imported release (repeatable).
    #[arg(long = "tag", value_name = "KEY")]
    tags: Vec<String>,
}

#[derive(Debug, Args)]
struct CheckLinksArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The built site to check (default: public/ under the root).
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// The base URL the site was built with (default: site.yaml's).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
}

/// Options shared by every command that reads a site.
#[derive(Debug, Args)]
struct SiteArgs {
    /// The site root, holding site.yaml.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Print less (-q) or more (-v, -vv, -vvv).
    #[command(flatten)]
    verbosity: Verbosity,
}

#[derive(Debug, Args)]
struct Verbosity {
    /// More output: -v for info, -vv for timings of each stage, -vvv for each file watch mode renders.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
}

#[derive(Debug, Args)]
struct ContentArgs {
    /// Include releases and pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Include releases whose embargo has not lifted yet (for previews).
    #[arg(long)]
    embargoed: bool,
    /// Use this base URL instead of site.yaml's (e.g. for staging).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
}

#[derive(Debug, Args)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    #[command(flatten)]
    content: ContentArgs,
    /// The output folder (default: public/ under the site root).
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    #[command(flatten)]
    content: ContentArgs,
    /// Print which releases exist in which languages.
    #[arg(long)]
    translations: bool,
    /// Output format of --translations.
    #[arg(long, value_enum, default_value = "text", requires = "translations")]
    format: ReportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReportFormat {
    /// A table for people.
    Text,
    /// JSON for tools.
    Json,
}

#[derive(Debug, Subcommand)]
enum NewCommand {
    /// Create a release file with its front matter filled in.
    Release(NewReleaseArgs),
}

#[derive(Debug, Args)]
struct NewReleaseArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The headline; the file name is made from it.
    title: String,
    /// Language code (default: the site's default language).
    #[arg(long)]
    lang: Option<String>,
    /// Release date, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = parse_date)]
    date: Option<NaiveDate>,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date in the form YYYY-MM-DD"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
        Command::New(NewCommand::Release(args)) => new_release(args),
        Command::CheckLinks(args) => check_links(args),
        Command::Import(args) => import(args),
        Command::Watch(args) => watch(args),
        Command::Serve(args) => serve(args),
    }
}

/// File-system events name absolute paths; the watched paths must match.
fn absolute(path: &std::path::Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Prints a rebuild's line, its warnings and its errors.
fn print_pass(pass: &pressroom::live::watch::Pass, quiet: bool) {
    match &pass.result {
        Ok(rebuild) => print_diagnostics(&rebuild.report.warnings, quiet),
        Err(problems) => print_diagnostics(problems, false),
    }
    if !quiet || pass.result.is_err() {
        println!("{}", pass.summary());
    }
}

fn watch(args: BuildArgs) -> ExitCode {
    init_logging(&args.site.verbosity);
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.site.root.join("public"));
    let mut opts = options(&args.site, &args.content, Some(absolute(&output)));
    opts.root = absolute(&opts.root);
    let quiet = args.site.verbosity.quiet;
    if !quiet {
        println!(
            "watching {} and writing {}; press Ctrl-C to stop",
            args.site.root.display(),
            output.display()
        );
    }
    let session = pressroom::live::session::Session::new(opts);
    match pressroom::live::watch::run(session, |pass| {
        print_pass(pass, quiet);
        true
    }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e.into(), "watch", "nothing is being watched"),
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    init_logging(&args.site.verbosity);
    let addr = std::net::SocketAddr::new(args.bind, args.port);
    let bound = match pressroom::live::serve::bind(addr) {
        Ok(b) => b,
        Err(e) => return fail(&e.into(), "serve", "nothing is being served"),
    };
    if let Some(warning) = pressroom::live::serve::exposure_warning(bound.addr) {
        eprintln!("{warning}");
    }
    // Kept until the server stops; dropping it removes the folder.
    let mut temporary = None;
    let output = match &args.output {
        Some(dir) => dir.clone(),
        None => match tempfile::Builder::new()
            .prefix("pressroom-serve-")
            .tempdir()
        {
            Ok(dir) => temporary.insert(dir).path().join("site"),
            Err(e) => {
                eprintln!(
                    "error: cannot create a temporary folder to serve from: {e}\n  help: pass --output DIR"
                );
                return ExitCode::FAILURE;
            }
        },
    };
    let base_url = pressroom::live::serve::local_base_url(bound.addr);
    let output = absolute(&output);
    let mut opts = BuildOptions::new(absolute(&args.site.root), Some(output.clone()));
    opts.drafts = args.drafts;
    opts.embargoed = args.embargoed;
    opts.base_url = Some(base_url.clone());
    let quiet = args.site.verbosity.quiet;
    let session = pressroom::live::session::Session::new(opts);
    let open = args.open;
    let mut first = true;
    let url = base_url.clone();
    let result = bound.run(session, output, move |pass| {
        print_pass(pass, quiet);
        if std::mem::take(&mut first) {
            println!("serving {url} (press Ctrl-C to stop)");
            if open && let Err(e) = open::that(&url) {
                eprintln!("warning: cannot open a browser: {e}");
            }
        }
    });
    drop(temporary);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e.into(), "serve", "the server stopped"),
    }
}

fn import(args: ImportArgs) -> ExitCode {
    init_logging(&args.site.verbosity);
    let config = match pressroom::config::SiteConfig::load(&args.site.root) {
        Ok(c) => c,
        Err(problems) => return fail(&problems, "import", "nothing was written"),
    };
    if config.language(&args.lang).is_none() {
        let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
        eprintln!(
            "error: `{}` is not a language of this site\n  help: use one of: {}",
            args.lang,
            codes.join(", ")
        );
        return ExitCode::from(2);
    }
    let opts = pressroom::commands::import::ImportOptions {
        files: args.files,
        lang: args.lang,
        content_dir: config.content_dir(),
        force: args.force,
        dry_run: args.dry_run,
        tags: args.tags,
    };
    let report = pressroom::commands::import::run_import(&opts);
    println!("{report}");
    if report.counts().failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn check_links(args: CheckLinksArgs) -> ExitCode {
    init_logging(&args.site.verbosity);
    let base_url = match args.base_url {
        Some(url) => url,
        None => match pressroom::config::SiteConfig::load(&args.site.root) {
            Ok(c) => c.base_url,
            Err(problems) => return fail(&problems, "check-links", "nothing was checked"),
        },
    };
    let output = args.output.unwrap_or_else(|| args.site.root.join("public"));
    match pressroom::commands::linkcheck::check(&output, &base_url) {
        Ok(report) => {
            println!("{report}");
            if report.broken.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!(
                "{}: error: cannot read the built site: {e}\n  help: build it first with `pressroom build`",
                output.display()
            );
            ExitCode::FAILURE
        }
    }
}

fn init_logging(v: &Verbosity) {
    let level = match (v.quiet, v.verbose) {
        (true, _) => log::LevelFilter::Error,
        (false, 0) => log::LevelFilter::Warn,
        (false, 1) => log::LevelFilter::Info,
        _ => log::LevelFilter::Debug,
    };
    // Other crates' traces would drown pressroom's per-file lines.
    let own = if v.verbose > 2 {
        log::LevelFilter::Trace
    } else {
        level
    };
    env_logger::Builder::new()
        .filter_level(level)
        .filter_module("pressroom", own)
        .format_timestamp(None)
        .format_target(false)
        .init();
}

fn options(site: &SiteArgs, content: &ContentArgs, output: Option<PathBuf>) -> BuildOptions {
    let mut opts = BuildOptions::new(site.root.clone(), output);
    opts.drafts = content.drafts;
    opts.embargoed = content.embargoed;
    opts.base_url = content.base_url.clone();
    opts
}

fn build(args: BuildArgs) -> ExitCode {
    init_logging(&args.site.verbosity);
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.site.root.join("public"));
    let opts = options(&args.site, &args.content, Some(output.clone()));
    if let Some(code) = refuse_base_url(&opts) {
        return code;
    }
    match pressroom::build(&opts) {
        Ok(report) => {
            print_diagnostics(&report.warnings, args.site.verbosity.quiet);
            if !args.site.verbosity.quiet {
                println!("{}", summary(&report, &output));
            }
            ExitCode::SUCCESS
        }
        Err(problems) => {
            let consequence = pressroom::output::after_failure(&problems);
            fail(&problems, "build", consequence)
        }
    }
}

/// `--base-url` is checked as `base_url` in site.yaml is, by `build` and
/// `check` alike.
fn refuse_base_url(opts: &BuildOptions) -> Option<ExitCode> {
    let url = opts.base_url.as_deref()?;
    let why = pressroom::config::check_base_url(url).err()?;
    eprintln!(
        "error: --base-url `{}` {why}\n  help: e.g. --base-url https://staging.example.org",
        url.escape_debug()
    );
    Some(ExitCode::from(2))
}

fn check(args: CheckArgs) -> ExitCode {
    init_logging(&args.site.verbosity);
    let opts = options(&args.site, &args.content, None);
    if let Some(code) = refuse_base_url(&opts) {
        return code;
    }
    if args.translations {
        return match pressroom::load(&opts) {
            Ok(loaded) => {
                print_diagnostics(&loaded.warnings, args.site.verbosity.quiet);
                let coverage = pressroom::commands::coverage::Coverage::of(&loaded.site);
                match args.format {
                    ReportFormat::Text => print!("{coverage}"),
                    ReportFormat::Json => match serde_json::to_string_pretty(&coverage) {
                        Ok(json) => println!("{json}"),
                        Err(e) => {
                            eprintln!("error: cannot write the report as JSON: {e}");
                            return ExitCode::FAILURE;
                        }
                    },
                }
                ExitCode::SUCCESS
            }
            Err(problems) => fail(&problems, "check", "nothing was written"),
        };
    }
    match pressroom::build(&opts) {
        Ok(report) => {
            print_diagnostics(&report.warnings, args.site.verbosity.quiet);
            if !args.site.verbosity.quiet {
                let total = report.total();
                println!(
                    "check: no errors, {} warning(s); {} files would be produced",
                    report.warnings.len(),
                    total.written + total.unchanged
                );
            }
            ExitCode::SUCCESS
        }
        Err(problems) => fail(&problems, "check", "nothing was written"),
    }
}

fn new_release(args: NewReleaseArgs) -> ExitCode {
    init_logging(&args.site.verbosity);
    let config = match pressroom::config::SiteConfig::load(&args.site.root) {
        Ok(c) => c,
        Err(problems) => return fail(&problems, "new release", "nothing was written"),
    };
    let new = pressroom::commands::new::NewRelease {
        title: args.title,
        lang: args.lang,
        date: args
            .date
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
    };
    match pressroom::commands::new::create_release(&config, &new) {
        Ok(path) => {
            println!("created {}", path.display());
            ExitCode::SUCCESS
        }
        Err(d) => fail(&d.into(), "new release", "nothing was written"),
    }
}

fn print_diagnostics(all: &Diagnostics, quiet: bool) {
    for d in all.sorted() {
        if !quiet || d.is_error() {
            eprintln!("{d}");
        }
    }
}

fn fail(problems: &Diagnostics, what: &str, consequence: &str) -> ExitCode {
    print_diagnostics(problems, false);
    let n = problems.error_count();
    eprintln!(
        "{what} failed: {n} error{}; {consequence}",
        if n == 1 { "" } else { "s" }
    );
    ExitCode::FAILURE
}

fn summary(report: &BuildReport, output: &std::path::Path) -> String {
    let mut parts = Vec::new();
    for (lang, c) in &report.counts {
        let name = if lang.is_empty() { "shared" } else { lang };
        parts.push(format!(
            "{name}: {} written, {} unchanged",
            c.written, c.unchanged
        ));
    }
    let total = report.total();
    format!(
        "built {} in {:.2}s: {} files ({} written, {} unchanged) — {}",
        output.display(),
        report.elapsed.as_secs_f64(),
        total.written + total.unchanged,
        total.written,
        total.unchanged,
        parts.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
