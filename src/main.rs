//! The `pressroom` command: parses arguments, calls the library, prints.
//!
//! Only this file talks to the terminal. Exit codes: 0 success, 1 the input has
//! errors (they are printed as `path:line:column: error: …`) or the output
//! cannot be written to, 2 the command line itself is wrong (clap's
//! convention, which pressroom's own checks of arguments follow). Messages go
//! through `anstream`, which keeps their colour on a terminal and drops it in
//! pipes, files and under `NO_COLOR`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use mimalloc::MiMalloc;

use pressroom::commands::{CommandError, UsageError};
use pressroom::diagnostics::{Diagnostics, Format};
use pressroom::{BuildOptions, BuildReport};

/// The allocator: the system's for one-shot commands, mimalloc for the live
/// loop (`watch`, `serve`). A rebuild after an edit renders a few hundred
/// pages in a heap that has lived through the first build; there glibc's
/// allocator spent a quarter of the rendering in malloc and free, and
/// mimalloc's per-thread pages cut a tag edit's latency by about a fifth
/// (BENCHMARKS.md, "Twelfth pass"). A one-shot build gains nothing
/// measurable from it and would peak higher, so it keeps the system's.
struct Allocator;

/// Set once, before any thread starts, when the command is a live one;
/// never cleared, so while it is unset nothing was allocated by mimalloc.
static LIVE: AtomicBool = AtomicBool::new(false);

/// Whether `ptr` was allocated by mimalloc (rather than by the system
/// allocator before `LIVE` was set).
fn from_mimalloc(ptr: *mut u8) -> bool {
    // SAFETY: only looks the address up in mimalloc's map of its segments.
    LIVE.load(AtomicOrdering::Relaxed)
        && unsafe { libmimalloc_sys::mi_is_in_heap_region(ptr.cast()) }
}

// SAFETY: every block is freed or resized by the allocator that made it
// (`from_mimalloc`), and each of the two upholds `GlobalAlloc` itself.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match LIVE.load(AtomicOrdering::Relaxed) {
            true => unsafe { MiMalloc.alloc(layout) },
            false => unsafe { System.alloc(layout) },
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match LIVE.load(AtomicOrdering::Relaxed) {
            true => unsafe { MiMalloc.alloc_zeroed(layout) },
            false => unsafe { System.alloc_zeroed(layout) },
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        match from_mimalloc(ptr) {
            true => unsafe { MiMalloc.dealloc(ptr, layout) },
            false => unsafe { System.dealloc(ptr, layout) },
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        match from_mimalloc(ptr) {
            true => unsafe { MiMalloc.realloc(ptr, layout, new_size) },
            false => unsafe { System.realloc(ptr, layout, new_size) },
        }
    }
}

#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

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
        // anstream keeps colour on a terminal and drops it in pipes, files
        // and under NO_COLOR.
        Stream::Out => {
            let mut out = anstream::stdout().lock();
            out.write_fmt(args).and_then(|()| out.flush())
        }
        Stream::Err => anstream::stderr().lock().write_fmt(args),
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
    /// Print less (-q) or more (-v, -vv, -vvv), before or after the command.
    #[command(flatten)]
    verbosity: Verbosity,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start a new site: site.yaml, a tag registry, example content in every
    /// language; the default theme is built in.
    Init(InitArgs),
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
    /// Write JSON Schemas for site.yaml and front matter, for editors.
    Schema(SchemaArgs),
    /// Upload the built site to an S3 bucket or a folder, changed files only.
    Deploy(DeployArgs),
}

#[derive(Debug, Args)]
struct InitArgs {
    /// The folder of the new site (created if missing).
    #[arg(default_value = ".", value_name = "DIR")]
    dir: PathBuf,
    /// Language codes separated by commas, the default first.
    #[arg(long, default_value = "en,ru,kk", value_name = "CODES")]
    languages: String,
    /// The site title (default: "Press releases" in each language).
    #[arg(long)]
    title: Option<String>,
    /// Write into a folder that is not empty (files of the same name are replaced).
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct SchemaArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Where to write the schemas (default: schemas/ under the site root).
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct DeployArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The target in site.yaml's `deploy.targets` (default: the first).
    #[arg(long, value_name = "NAME")]
    target: Option<String>,
    /// Deploy here instead: s3://bucket/prefix or file:///path.
    #[arg(long, value_name = "URL")]
    to: Option<String>,
    /// The S3 API endpoint, for services other than AWS (MinIO, R2, B2, …).
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// The built site to upload (default: public/ under the site root).
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Build the site into the output folder first.
    #[arg(long)]
    build: bool,
    /// Print what would be uploaded and deleted, and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Ignore the manifest: check every remote object and its headers.
    #[arg(long)]
    force: bool,
    /// Refuse a deploy that would delete more objects than this…
    #[arg(long, value_name = "N", default_value_t = pressroom::commands::deploy::DEFAULT_MAX_DELETES)]
    max_deletes: usize,
    /// …unless this is given.
    #[arg(long)]
    yes: bool,
    /// Uploads at once (default: the target's `workers`, else 16; 8 for a folder).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: Option<u16>,
    /// Print the result as JSON (for CI) instead of a progress bar and a summary.
    #[arg(long)]
    json: bool,
}

impl DeployArgs {
    fn run(self, quiet: bool) -> ExitCode {
        use pressroom::commands::deploy::{self as deploy, report, target};
        let output = self.output.unwrap_or_else(|| self.site.root.join("public"));
        // `--to` works without a site.yaml; a target name needs one.
        let config = if self.to.is_none() || pressroom::is_site_root(&self.site.root) {
            match pressroom::config::SiteConfig::load(&self.site.root) {
                Ok(c) => c.deploy,
                Err(problems) => return fail(&problems, "deploy", "nothing was uploaded"),
            }
        } else {
            Default::default()
        };
        if self.build {
            let mut opts = BuildOptions::new(self.site.root.clone(), Some(output.clone()));
            // As `pressroom build` does: the build cache makes a build with
            // nothing changed cheap.
            opts.cache = true;
            match pressroom::build(&opts) {
                Ok(r) => print_diagnostics(&r.warnings, quiet),
                Err(problems) => return fail(&problems, "build", "nothing was uploaded"),
            }
        }
        let choice = target::TargetChoice {
            name: self.target,
            to: self.to,
            endpoint: self.endpoint,
        };
        let result = target::Target::choose(&config, &choice).and_then(|target| {
            let mut opts = deploy::DeployOptions::new(output, target);
            opts.dry_run = self.dry_run;
            opts.force = self.force;
            opts.max_deletes = self.max_deletes;
            opts.yes = self.yes;
            opts.workers = self.workers.map(usize::from);
            if self.json || quiet {
                deploy::deploy(&opts, &report::Silent)
            } else {
                deploy::deploy(&opts, &report::Bar::new())
            }
        });
        if self.json {
            println!("{}", report::json(&result));
        }
        match result {
            Ok(report) => {
                if !self.json && !quiet {
                    println!("{report}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                if !self.json {
                    if let Some(report) = e.report() {
                        eprintln!("{report}");
                    }
                    eprintln!("error: {e}\n  help: {}", e.help());
                }
                ExitCode::from(if e.is_usage() { 2 } else { 1 })
            }
        }
    }
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
    /// Replace releases imported earlier from the same texts, and import
    /// texts whose release is already in the archive anyway.
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
    /// Render every file, ignoring the build cache in .pressroom-cache/ (and
    /// leaving it as it is).
    #[arg(long)]
    no_cache: bool,
    /// Also render the files the build cache calls up to date, and fail if
    /// any byte differs from the output folder (for testing pressroom).
    #[arg(long, hide = true, conflicts_with = "no_cache")]
    verify_cache: bool,
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
    /// How to print: text for people; json (every diagnostic, or the
    /// --translations report) or github (workflow annotations) for tools.
    #[arg(long, value_enum, default_value = "text")]
    format: ReportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReportFormat {
    /// Text for people.
    Text,
    /// JSON for tools.
    Json,
    /// GitHub Actions workflow annotations.
    Github,
}

#[derive(Debug, Subcommand)]
enum NewCommand {
    /// Create a release file with its front matter filled in.
    Release(NewReleaseArgs),
    /// Start the version of a release or page in another language, beside it.
    Translation(NewTranslationArgs),
}

#[derive(Debug, Args)]
struct NewTranslationArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The release or page to translate, e.g. content/releases/2015/forum.en.md.
    #[arg(value_name = "PATH")]
    source: PathBuf,
    /// The language of the translation.
    #[arg(long)]
    lang: String,
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
    if matches!(cli.command, Command::Watch(_) | Command::Serve(_)) {
        LIVE.store(true, AtomicOrdering::Relaxed);
    }
    init_logging(&cli.verbosity);
    let quiet = cli.verbosity.quiet;
    match cli.command {
        Command::Init(args) => init(args),
        Command::Build(args) => build(args, quiet),
        Command::Check(args) => check(args, quiet),
        Command::New(NewCommand::Release(args)) => new_release(args),
        Command::New(NewCommand::Translation(args)) => new_translation(args),
        Command::CheckLinks(args) => check_links(args),
        Command::Import(args) => import(args),
        Command::Watch(args) => watch(args, quiet),
        Command::Serve(args) => serve(args, quiet),
        Command::Schema(args) => schema(args),
        Command::Deploy(args) => args.run(quiet),
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

fn watch(args: BuildArgs, quiet: bool) -> ExitCode {
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.site.root.join("public"));
    let mut opts = options(&args.site, &args.content, Some(absolute(&output)));
    opts.root = absolute(&opts.root);
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

fn serve(args: ServeArgs, quiet: bool) -> ExitCode {
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
    let config = match pressroom::config::SiteConfig::load(&args.site.root) {
        Ok(c) => c,
        Err(problems) => return fail(&problems, "import", "nothing was written"),
    };
    if let Err(e) = pressroom::commands::site_language(&config, &args.lang) {
        return usage(&e);
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
            let d = pressroom::diagnostics::Diagnostic::error(
                &output,
                1,
                1,
                format!("cannot read the built site: {e}"),
            )
            .with_help("build it first with `pressroom build`");
            eprintln!("{}", d.styled());
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

fn build(args: BuildArgs, quiet: bool) -> ExitCode {
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.site.root.join("public"));
    let mut opts = options(&args.site, &args.content, Some(output.clone()));
    opts.cache = !args.no_cache;
    opts.verify = args.verify_cache;
    if let Err(e) = check_base_url(&opts) {
        return usage(&e);
    }
    let bar = progress::Bar::new(quiet);
    opts.progress = bar.observer();
    let result = pressroom::build(&opts);
    bar.finish();
    match result {
        Ok(report) => {
            print_diagnostics(&report.warnings, quiet);
            for note in &report.notes {
                eprintln!("note: {note}");
            }
            if !quiet {
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
fn check_base_url(opts: &BuildOptions) -> Result<(), UsageError> {
    match opts.base_url.as_deref() {
        Some(url) => pressroom::config::check_base_url(url).map_err(|why| {
            UsageError::new(
                format!("--base-url `{}` {why}", url.escape_debug()),
                "e.g. --base-url https://staging.example.org",
            )
        }),
        None => Ok(()),
    }
}

fn check(args: CheckArgs, quiet: bool) -> ExitCode {
    let mut opts = options(&args.site, &args.content, None);
    if let Err(e) = check_base_url(&opts) {
        return usage(&e);
    }
    if args.translations {
        return translations(&opts, args.format, quiet);
    }
    let format = match args.format {
        ReportFormat::Text => Format::Text,
        ReportFormat::Json => Format::Json,
        ReportFormat::Github => Format::Github,
    };
    let bar = progress::Bar::new(quiet || format != Format::Text);
    opts.progress = bar.observer();
    let result = pressroom::build(&opts);
    bar.finish();
    let (all, ok) = match result {
        Ok(report) => {
            let total = report.total();
            (report.warnings, Some(total))
        }
        Err(problems) => (problems, None),
    };
    if format != Format::Text {
        // Tools read stdout: the diagnostics alone, warnings included.
        print!("{}", all.format(format));
        return if ok.is_some() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    match ok {
        Some(total) => {
            print_diagnostics(&all, quiet);
            if !quiet {
                println!(
                    "check: no errors, {} warning(s); {} files would be produced",
                    all.len(),
                    total.files()
                );
            }
            ExitCode::SUCCESS
        }
        None => fail(&all, "check", "nothing was written"),
    }
}

/// `check --translations`: which releases exist in which languages.
fn translations(opts: &BuildOptions, format: ReportFormat, quiet: bool) -> ExitCode {
    let loaded = match pressroom::load(opts) {
        Ok(loaded) => loaded,
        Err(problems) => return fail(&problems, "check", "nothing was written"),
    };
    print_diagnostics(&loaded.warnings, quiet);
    let coverage = pressroom::commands::coverage::Coverage::of(&loaded.site);
    match format {
        ReportFormat::Text => print!("{coverage}"),
        ReportFormat::Json => match serde_json::to_string_pretty(&coverage) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: cannot write the report as JSON: {e}");
                return ExitCode::FAILURE;
            }
        },
        ReportFormat::Github => {
            return usage(&UsageError::new(
                "--format github is for diagnostics, not the --translations report",
                "use --format text or --format json with --translations",
            ));
        }
    }
    ExitCode::SUCCESS
}

fn init(args: InitArgs) -> ExitCode {
    let languages = match pressroom::commands::init::parse_languages(&args.languages) {
        Ok(l) => l,
        Err(e) => return usage(&e),
    };
    let opts = pressroom::commands::init::InitOptions {
        dir: args.dir.clone(),
        languages,
        title: args.title,
        force: args.force,
        today: chrono::Local::now().date_naive(),
    };
    match pressroom::commands::init::init(&opts) {
        Ok(created) => {
            for code in &created.untranslated {
                eprintln!(
                    "{}: pressroom has no example texts in `{code}`; the English ones were written for you to translate",
                    styled_word("note", NOTE)
                );
            }
            println!(
                "created a site in {} ({} files)",
                args.dir.display(),
                created.files.len()
            );
            let cd = if args.dir == std::path::Path::new(".") {
                String::new()
            } else {
                format!("cd {} && ", args.dir.display())
            };
            println!("look at it with: {cd}pressroom serve");
            ExitCode::SUCCESS
        }
        Err(e) => command_failed(e, "init"),
    }
}

fn schema(args: SchemaArgs) -> ExitCode {
    let config = match pressroom::config::SiteConfig::load(&args.site.root) {
        Ok(c) => c,
        Err(problems) => return fail(&problems, "schema", "nothing was written"),
    };
    let tags_file = config.content_dir().join("tags.yaml");
    let tags = match pressroom::site::TagRegistry::load(
        tags_file.is_file().then_some(tags_file.as_path()),
        &config,
    ) {
        Ok((tags, _)) => tags,
        Err(problems) => return fail(&problems, "schema", "nothing was written"),
    };
    let dir = args
        .output
        .unwrap_or_else(|| args.site.root.join(pressroom::commands::schema::SCHEMA_DIR));
    match pressroom::commands::schema::write_schemas(&dir, &dir, tags.keys()) {
        Ok(paths) => {
            for path in paths {
                println!("wrote {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(d) => fail(&d.into(), "schema", "the schemas were not all written"),
    }
}

fn new_translation(args: NewTranslationArgs) -> ExitCode {
    let config = match pressroom::config::SiteConfig::load(&args.site.root) {
        Ok(c) => c,
        Err(problems) => return fail(&problems, "new translation", "nothing was written"),
    };
    let new = pressroom::commands::new::NewTranslation {
        source: args.source,
        lang: args.lang,
    };
    match pressroom::commands::new::create_translation(&config, &new) {
        Ok(path) => {
            println!("created {} (a draft to translate)", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => command_failed(e, "new translation"),
    }
}

fn new_release(args: NewReleaseArgs) -> ExitCode {
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
        Err(e) => command_failed(e, "new release"),
    }
}

/// Prints why a command that writes sources failed, with the exit code of
/// its kind of mistake.
fn command_failed(e: CommandError, what: &str) -> ExitCode {
    match e {
        CommandError::Usage(e) => usage(&e),
        CommandError::Site(problems) => fail(&problems, what, "nothing was written"),
    }
}

/// Prints a mistake on the command line; exit code 2, as clap's own.
fn usage(e: &UsageError) -> ExitCode {
    eprintln!(
        "{}: {}\n  {}: {}",
        styled_word("error", pressroom::diagnostics::ERROR),
        e.message,
        styled_word("help", pressroom::diagnostics::HELP),
        e.help
    );
    ExitCode::from(2)
}

/// The style of `note:` lines.
const NOTE: anstyle::Style = anstyle::Style::new().bold();

/// `word` in `style`; anstream drops the style where colour is off.
fn styled_word(word: &str, style: anstyle::Style) -> String {
    format!("{style}{word}{style:#}")
}

fn print_diagnostics(all: &Diagnostics, quiet: bool) {
    for d in all.sorted() {
        if !quiet || d.is_error() {
            eprintln!("{}", d.styled());
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
        total.files(),
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

/// The progress bar of `build` and `check` on a terminal.
mod progress {
    use std::io::IsTerminal;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use pressroom::progress::{Observer, Progress};

    /// Builds that finish sooner show no bar: it would only flicker.
    const DELAY: Duration = Duration::from_secs(1);

    /// A bar that appears once a build has run for [`DELAY`], and never when
    /// stderr is not a terminal or `-q` is given.
    pub(crate) struct Bar {
        shown: Option<Shown>,
    }

    /// The bar, and whether the build is over (so that it is never drawn
    /// after the report is printed).
    #[derive(Clone)]
    struct Shown {
        bar: ProgressBar,
        done: Arc<Mutex<bool>>,
    }

    impl Bar {
        /// A bar, or nothing when `quiet` or stderr is piped.
        pub(crate) fn new(quiet: bool) -> Bar {
            if quiet || !std::io::stderr().is_terminal() {
                return Bar { shown: None };
            }
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            let style =
                ProgressStyle::with_template("{spinner} {msg:>9} [{bar:30}] {pos}/{len} files")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> ");
            bar.set_style(style);
            bar.set_message("reading");
            let shown = Shown {
                bar,
                done: Arc::new(Mutex::new(false)),
            };
            // Shown from a timer, so that a long first stage (reading a large
            // archive) shows it too, not only the next report.
            let timer = shown.clone();
            std::thread::spawn(move || {
                std::thread::sleep(DELAY);
                let done = timer.done.lock().unwrap_or_else(|e| e.into_inner());
                if !*done {
                    timer.bar.set_draw_target(ProgressDrawTarget::stderr());
                    timer.bar.enable_steady_tick(Duration::from_millis(120));
                }
            });
            Bar { shown: Some(shown) }
        }

        /// The observer to put in the build options.
        pub(crate) fn observer(&self) -> Observer {
            let Some(Shown { bar, .. }) = self.shown.clone() else {
                return Observer::default();
            };
            Observer::new(move |progress| match progress {
                Progress::Reading => bar.set_message("reading"),
                Progress::Rendering { done, total } => {
                    if bar.length() != Some(total as u64) {
                        bar.set_length(total as u64);
                        bar.set_message("rendering");
                    }
                    bar.set_position(done as u64);
                }
                Progress::Writing => bar.set_message("writing"),
            })
        }

        /// Removes the bar before the report is printed.
        pub(crate) fn finish(&self) {
            if let Some(shown) = &self.shown {
                let mut done = shown.done.lock().unwrap_or_else(|e| e.into_inner());
                *done = true;
                shown.bar.finish_and_clear();
            }
        }
    }
}
