//! The `pressroom` command: parses arguments, calls the library, prints.
//!
//! Only this file talks to the terminal. Exit codes: 0 success, 1 the input has
//! errors (they are printed as `path:line:column: error: …`), 2 the command
//! line itself is wrong (clap's convention).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use pressroom::diagnostics::Diagnostics;
use pressroom::{BuildOptions, BuildReport};

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
    /// Upload the built site to an S3 bucket or a folder, changed files only.
    Deploy(DeployArgs),
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
    fn run(self) -> ExitCode {
        use pressroom::commands::deploy::{self as deploy, report, target};
        init_logging(&self.site.verbosity);
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
            match pressroom::build(&BuildOptions::new(
                self.site.root.clone(),
                Some(output.clone()),
            )) {
                Ok(r) => print_diagnostics(&r.warnings, self.site.verbosity.quiet),
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
            if self.json || self.site.verbosity.quiet {
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
                if !self.json && !self.site.verbosity.quiet {
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
        Command::Deploy(args) => args.run(),
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
    if let Some(url) = &opts.base_url
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        eprintln!(
            "error: --base-url `{url}` is not an absolute http(s) URL\n  help: e.g. --base-url https://staging.example.org"
        );
        return ExitCode::from(2);
    }
    match pressroom::build(&opts) {
        Ok(report) => {
            print_diagnostics(&report.warnings, args.site.verbosity.quiet);
            if !args.site.verbosity.quiet {
                println!("{}", summary(&report, &output));
            }
            ExitCode::SUCCESS
        }
        Err(problems) => fail(&problems, "build", "the output folder was left as it was"),
    }
}

fn check(args: CheckArgs) -> ExitCode {
    init_logging(&args.site.verbosity);
    let opts = options(&args.site, &args.content, None);
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
