//! `pressroom deploy` against a real S3 server on loopback (`s3`: s3s-fs in
//! this process, no mock of the client) and against a folder: what a first,
//! a repeated, an edited, a shrunk, an interrupted, a dry and a forced deploy
//! leave on the remote, and what they send it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use object_store::{Attribute, GetOptions, ObjectStore, ObjectStoreExt, PutOptions, PutPayload};
use pressroom::commands::deploy::plan::Phase;
use pressroom::commands::deploy::report::{DeployReport, RemoteState, Silent};
use pressroom::commands::deploy::scan::MANIFEST;
use pressroom::commands::deploy::target::{Credentials, Target, TargetChoice};
use pressroom::commands::deploy::{self, DeployError, DeployOptions, headers};
use pressroom::config::DeployConfig;

use crate::s3::{BUCKET, KEY_ID, S3Server, SECRET};
use crate::util::{Site, tree};

/// Deploy options for `site`'s output to `url`, quick to give up on a
/// server that is down.
fn options(site: &Site, url: &str, endpoint: Option<String>) -> DeployOptions {
    let choice = TargetChoice {
        name: None,
        to: Some(url.to_owned()),
        endpoint,
    };
    let target = Target::choose(&DeployConfig::default(), &choice).unwrap();
    let mut opts = DeployOptions::new(site.public(), target);
    opts.connection.credentials = Credentials::Keys {
        id: KEY_ID.to_owned(),
        secret: SECRET.to_owned(),
    };
    opts.connection.retries = 1;
    opts.connection.backoff = Duration::from_millis(10);
    opts
}

fn s3_options(site: &Site, server: &S3Server) -> DeployOptions {
    options(
        site,
        &format!("s3://{BUCKET}/site"),
        Some(server.endpoint()),
    )
}

fn folder_options(site: &Site, dir: &Path) -> DeployOptions {
    options(site, &format!("file://{}", dir.display()), None)
}

fn run(opts: &DeployOptions) -> DeployReport {
    deploy::deploy(opts, &Silent).unwrap_or_else(|e| panic!("{e}\n  help: {}", e.help()))
}

/// The files of a folder a reader can get: everything but dotfiles.
fn visible(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    if !dir.exists() {
        return BTreeMap::new();
    }
    tree(dir)
        .into_iter()
        .filter(|(path, _)| !path.split('/').any(|p| p.starts_with('.')))
        .collect()
}

/// What the bucket serves under the site's prefix.
fn published(server: &S3Server) -> BTreeMap<String, Vec<u8>> {
    visible(&server.root().join(BUCKET).join("site"))
}

/// The object writes in a server log, without the manifest's.
fn writes(log: &[String]) -> Vec<&str> {
    log.iter()
        .map(String::as_str)
        .filter(|w| !w.ends_with(MANIFEST))
        .collect()
}

/// The keys a log wrote with one method, under the site's prefix.
fn keys(log: &[String], method: &str) -> BTreeSet<String> {
    writes(log)
        .into_iter()
        .filter_map(|w| w.strip_prefix(method)?.strip_prefix(" site/"))
        .map(str::to_owned)
        .collect()
}

/// An S3 client of the test server, to look at objects as a CDN would.
struct Client {
    store: AmazonS3,
    runtime: tokio::runtime::Runtime,
}

impl Client {
    fn new(server: &S3Server) -> Client {
        let store = AmazonS3Builder::new()
            .with_endpoint(server.endpoint())
            .with_allow_http(true)
            .with_bucket_name(BUCKET)
            .with_region("us-east-1")
            .with_access_key_id(KEY_ID)
            .with_secret_access_key(SECRET)
            .build()
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Client { store, runtime }
    }

    /// `Content-Type`, `Cache-Control` and the hash metadata of an object.
    fn headers(&self, key: &str) -> (String, String, String) {
        let head = GetOptions {
            head: true,
            ..GetOptions::default()
        };
        let got = self
            .runtime
            .block_on(self.store.get_opts(&Key::from(key), head))
            .unwrap();
        let get = |a: Attribute| {
            got.attributes
                .get(&a)
                .map(|v| v.as_ref().to_owned())
                .unwrap_or_default()
        };
        (
            get(Attribute::ContentType),
            get(Attribute::CacheControl),
            get(Attribute::Metadata("pressroom-md5".into())),
        )
    }

    fn delete(&self, key: &str) {
        self.runtime
            .block_on(self.store.delete(&Key::from(key)))
            .unwrap();
    }

    /// Writes an object without pressroom's headers and metadata.
    fn put(&self, key: &str, bytes: Vec<u8>) {
        let key = Key::from(key);
        let put = self
            .store
            .put_opts(&key, PutPayload::from(bytes), PutOptions::default());
        self.runtime.block_on(put).unwrap();
    }

    fn manifest(&self) -> serde_json::Value {
        let key = Key::from(format!("site/{MANIFEST}"));
        let bytes = self
            .runtime
            .block_on(async { self.store.get(&key).await?.bytes().await })
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }
}

fn built() -> Site {
    let site = Site::fixture("basic");
    site.build();
    site
}

fn edit_forum(site: &Site) {
    let path = site.root().join("content/releases/2015/forum.en.md");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\nA correction, added later.\n");
    std::fs::write(path, text).unwrap();
    site.build();
}

#[test]
fn a_first_s3_deploy_uploads_everything_in_phases_with_types_and_cache_headers() {
    let site = built();
    let server = S3Server::temporary();
    let report = run(&s3_options(&site, &server));
    let local = visible(&site.public());
    assert_eq!(report.uploaded, local.len());
    assert_eq!(report.unchanged, 0);
    assert_eq!(report.remote_state, RemoteState::Listing);
    assert_eq!(
        published(&server),
        local,
        "the bucket serves the output folder"
    );
    assert!(
        !site
            .root()
            .join(format!("{BUCKET}/site/.pressroom-output"))
            .exists()
    );

    // Assets, then pages, then feeds; the manifest last.
    let log = server.take_log();
    let phases: Vec<Phase> = keys(&log, "PUT").iter().map(|k| Phase::of(k)).collect();
    assert_eq!(phases.len(), local.len());
    let order: Vec<Phase> = writes(&log)
        .iter()
        .map(|w| Phase::of(w.trim_start_matches("PUT ")))
        .collect();
    assert!(order.is_sorted(), "{log:#?}");
    assert!(log.last().unwrap().ends_with(MANIFEST));

    let client = Client::new(&server);
    let page = "en/releases/2015/forum/index.html";
    let (content_type, cache, md5) = client.headers(&format!("site/{page}"));
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert_eq!(cache, headers::REVALIDATE);
    assert_eq!(
        md5,
        pressroom::commands::deploy::scan::md5_hex(&local[page])
    );
    let (content_type, cache, _) = client.headers("site/css/style.css");
    assert_eq!(content_type, "text/css; charset=utf-8");
    assert_eq!(cache, headers::IMMUTABLE);
    let (content_type, cache, _) = client.headers("site/en/atom.xml");
    assert_eq!(content_type, "application/atom+xml; charset=utf-8");
    assert_eq!(cache, headers::REVALIDATE);
    let (content_type, _, _) = client.headers("site/sitemap.xml");
    assert_eq!(content_type, "application/xml; charset=utf-8");
    assert_eq!(client.manifest()["complete"], true);
}

#[test]
fn s3_deploys_send_only_what_changed() {
    let site = built();
    let server = S3Server::temporary();
    let opts = s3_options(&site, &server);
    run(&opts);
    server.take_log();

    // Nothing changed: one read, no write.
    let again = run(&opts);
    assert_eq!((again.uploaded, again.deleted), (0, 0));
    assert_eq!(again.remote_state, RemoteState::Manifest);
    assert_eq!(again.unchanged, visible(&site.public()).len());
    assert_eq!(server.take_log(), Vec::<String>::new());

    // One edited release: exactly the files whose bytes changed.
    let before = visible(&site.public());
    edit_forum(&site);
    let after = visible(&site.public());
    let changed: BTreeSet<String> = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(bytes))
        .map(|(path, _)| path.clone())
        .collect();
    assert!(changed.contains("en/releases/2015/forum/index.html"));
    assert!(changed.len() < after.len() / 2, "{changed:?}");
    let report = run(&opts);
    let log = server.take_log();
    assert_eq!(keys(&log, "PUT"), changed);
    assert_eq!(report.uploaded, changed.len());
    assert_eq!(published(&server), after);

    // A deleted release: its pages go, last.
    site.remove("content/releases/2015/visit.en.md");
    site.build();
    let report = run(&opts);
    let log = server.take_log();
    assert!(report.deleted > 0);
    assert!(
        keys(&log, "DELETE").contains("en/releases/2015/visit/index.html"),
        "{log:#?}"
    );
    let first_delete = writes(&log).iter().position(|w| w.starts_with("DELETE"));
    let last_put = writes(&log).iter().rposition(|w| w.starts_with("PUT"));
    assert!(last_put < first_delete, "{log:#?}");
    assert_eq!(published(&server), visible(&site.public()));
}

#[test]
fn an_interrupted_s3_deploy_deletes_nothing_and_the_next_one_resumes() {
    let site = built();
    let server = S3Server::temporary();
    let opts = s3_options(&site, &server);
    run(&opts);
    site.remove("content/releases/2015/visit.en.md");
    edit_forum(&site);
    server.take_log();

    // The in-progress mark and two uploads get through, then the server is gone.
    server.go_down_after(3);
    let err = deploy::deploy(&opts, &Silent).unwrap_err();
    assert!(matches!(err, DeployError::Failed { .. }), "{err}");
    assert!(err.help().contains("nothing was deleted"), "{}", err.help());
    let log = server.take_log();
    assert_eq!(keys(&log, "DELETE"), BTreeSet::new());
    let uploaded_before = keys(&log, "PUT");
    assert_eq!(uploaded_before.len(), 2, "{log:#?}");
    assert!(published(&server).contains_key("en/releases/2015/visit/index.html"));

    server.come_back();
    assert_eq!(Client::new(&server).manifest()["complete"], false);
    let report = run(&opts);
    assert_eq!(report.remote_state, RemoteState::Listing);
    let log = server.take_log();
    assert!(keys(&log, "PUT").is_disjoint(&uploaded_before), "{log:#?}");
    assert!(report.deleted > 0);
    assert_eq!(published(&server), visible(&site.public()));
    assert_eq!(run(&opts).uploaded, 0);
}

#[test]
fn max_deletes_stops_a_mass_deletion_before_any_change() {
    let site = built();
    let server = S3Server::temporary();
    let mut opts = s3_options(&site, &server);
    run(&opts);
    for source in [
        "releases/2015/visit.en.md",
        "releases/2015/forum.ru.md",
        "pages/about.ru.md",
    ] {
        site.remove(&format!("content/{source}"));
    }
    edit_forum(&site);
    server.take_log();
    opts.max_deletes = 3;
    let err = deploy::deploy(&opts, &Silent).unwrap_err();
    let DeployError::TooManyDeletes { count, max: 3 } = err else {
        panic!("{err}");
    };
    assert!(count > 3);
    assert!(err.help().contains("--yes"));
    assert_eq!(server.take_log(), Vec::<String>::new());
    opts.yes = true;
    assert_eq!(run(&opts).deleted, count);
    assert_eq!(published(&server), visible(&site.public()));
}

#[test]
fn a_dry_run_changes_nothing() {
    let site = built();
    let server = S3Server::temporary();
    let mut opts = s3_options(&site, &server);
    opts.dry_run = true;
    let report = run(&opts);
    assert_eq!(report.uploaded, visible(&site.public()).len());
    assert_eq!(report.actions.len(), report.uploaded);
    assert!(report.to_string().contains("nothing was changed"));
    assert_eq!(server.take_log(), Vec::<String>::new());
    assert_eq!(published(&server), BTreeMap::new());

    opts.dry_run = false;
    run(&opts);
    site.remove("content/releases/2015/visit.en.md");
    site.build();
    let before = published(&server);
    server.take_log();
    opts.dry_run = true;
    let report = run(&opts);
    assert!(report.deleted > 0);
    assert!(
        report
            .actions
            .iter()
            .any(|a| a.action == "delete" && a.path == "en/releases/2015/visit/index.html")
    );
    assert_eq!(server.take_log(), Vec::<String>::new());
    assert_eq!(published(&server), before);
}

#[test]
fn a_lost_manifest_is_rebuilt_from_a_listing_and_force_verifies_every_object() {
    let site = built();
    let server = S3Server::temporary();
    let mut opts = s3_options(&site, &server);
    run(&opts);
    let client = Client::new(&server);
    client.delete(&format!("site/{MANIFEST}"));
    server.take_log();

    let report = run(&opts);
    assert_eq!(report.remote_state, RemoteState::Listing);
    assert_eq!(report.uploaded, 0);
    assert_eq!(server.take_log(), [format!("PUT site/{MANIFEST}")]);
    assert_eq!(run(&opts).remote_state, RemoteState::Manifest);

    // Changed behind pressroom's back: the manifest cannot know, --force can.
    client.put("site/en/index.html", b"tampered".to_vec());
    let same_bytes = std::fs::read(site.public().join("ru/index.html")).unwrap();
    client.put("site/ru/index.html", same_bytes);
    assert_eq!(run(&opts).uploaded, 0);
    opts.force = true;
    let report = run(&opts);
    assert_eq!(report.remote_state, RemoteState::Verified);
    let log = server.take_log();
    assert_eq!(
        keys(&log, "PUT"),
        BTreeSet::from(["en/index.html".to_owned(), "ru/index.html".to_owned()])
    );
    assert_eq!(published(&server), visible(&site.public()));
}

#[test]
fn files_uploaded_in_parts_keep_their_hash() {
    let site = Site::fixture("basic");
    // Two parts of the smallest size S3 accepts, and a bit.
    let big: Vec<u8> = (0..11 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    site.write("static/docs/annual-report.pdf", &big);
    site.build();
    let server = S3Server::temporary();
    let mut opts = s3_options(&site, &server);
    opts.connection.multipart_threshold = 5 * 1024 * 1024;
    opts.connection.part_size = 5 * 1024 * 1024;
    run(&opts);
    let log = server.take_log();
    assert!(
        log.iter().any(|w| w == "POST site/docs/annual-report.pdf"),
        "{log:#?}"
    );
    let (content_type, cache, md5) = Client::new(&server).headers("site/docs/annual-report.pdf");
    assert_eq!(content_type, "application/pdf");
    assert_eq!(cache, headers::DAY);
    assert_eq!(md5, pressroom::commands::deploy::scan::md5_hex(&big));
    assert_eq!(published(&server), visible(&site.public()));

    // A listing cannot read a hash from a multipart ETag; the metadata has it.
    Client::new(&server).delete(&format!("site/{MANIFEST}"));
    let report = run(&opts);
    assert_eq!(
        (report.remote_state, report.uploaded),
        (RemoteState::Listing, 0)
    );
}

#[test]
fn a_folder_target_follows_the_same_rules() {
    let site = built();
    let target = tempfile::tempdir().unwrap();
    let www = target.path().join("www");
    let opts = folder_options(&site, &www);

    let first = run(&opts);
    assert_eq!(first.uploaded, visible(&site.public()).len());
    assert_eq!(visible(&www), visible(&site.public()));
    assert!(!www.join(".pressroom-output").exists());
    assert_eq!(run(&opts).uploaded, 0);

    let before = visible(&site.public());
    edit_forum(&site);
    let changed = visible(&site.public())
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(bytes))
        .count();
    assert_eq!(run(&opts).uploaded, changed);
    assert_eq!(visible(&www), visible(&site.public()));

    // Dry run, then the deletion it announced.
    site.remove("content/releases/2015/visit.en.md");
    site.build();
    let mut dry = opts.clone();
    dry.dry_run = true;
    let planned = run(&dry);
    assert!(planned.deleted > 0);
    assert!(www.join("en/releases/2015/visit/index.html").exists());
    let mut few = opts.clone();
    few.max_deletes = 0;
    assert!(matches!(
        deploy::deploy(&few, &Silent),
        Err(DeployError::TooManyDeletes { .. })
    ));
    assert!(www.join("en/releases/2015/visit/index.html").exists());
    assert_eq!(run(&opts).deleted, planned.deleted);
    assert_eq!(visible(&www), visible(&site.public()));

    // A lost manifest: the files are read and hashed instead.
    std::fs::remove_file(www.join(MANIFEST)).unwrap();
    let report = run(&opts);
    assert_eq!(
        (report.remote_state, report.uploaded),
        (RemoteState::Listing, 0)
    );
    assert!(www.join(MANIFEST).exists());
}

#[test]
fn an_interrupted_folder_deploy_resumes() {
    let site = built();
    let target = tempfile::tempdir().unwrap();
    let www = target.path().join("www");
    let opts = folder_options(&site, &www);
    // A folder where the feeds phase must write a file: the pages get
    // there, robots.txt cannot.
    std::fs::create_dir_all(www.join("robots.txt/blocked")).unwrap();
    let err = deploy::deploy(&opts, &Silent).unwrap_err();
    assert!(err.to_string().contains("robots.txt"), "{err}");
    assert!(www.join("en/releases/2015/forum/index.html").exists());
    let pages = err.report().unwrap().uploaded;
    assert!(pages > 0);

    std::fs::remove_dir_all(www.join("robots.txt")).unwrap();
    let report = run(&opts);
    assert_eq!(report.remote_state, RemoteState::Listing);
    assert!(report.uploaded < visible(&site.public()).len());
    assert_eq!(visible(&www), visible(&site.public()));
}

#[test]
fn a_folder_inside_the_output_is_refused() {
    let site = built();
    let inside = site.public().join("mirror");
    let err = deploy::deploy(&folder_options(&site, &inside), &Silent).unwrap_err();
    assert!(err.is_usage(), "{err}");
    assert!(!inside.exists());
}

#[test]
fn the_cli_deploys_to_a_folder_and_reports_json() {
    let site = Site::fixture("basic");
    let www = tempfile::tempdir().unwrap();
    let to = format!("file://{}", www.path().join("www").display());
    let out = site
        .cmd(&["deploy", "--build", "--to", &to, "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["ok"], true);
    assert_eq!(report["uploaded"], visible(&site.public()).len());
    site.cmd(&["deploy", "--to", &to])
        .assert()
        .success()
        .stdout(predicates::str::starts_with(format!(
            "deployed to {to}: 0 uploaded (0 B), {} unchanged, 0 deleted in ",
            visible(&site.public()).len()
        )));
}

#[test]
fn the_cli_takes_s3_credentials_from_the_environment_and_never_prints_them() {
    let site = built();
    let server = S3Server::temporary();
    let home = tempfile::tempdir().unwrap();
    let deploy = |key: &str| {
        let mut cmd = site.cmd(&[
            "deploy",
            "--to",
            &format!("s3://{BUCKET}/site"),
            "--endpoint",
            &server.endpoint(),
        ]);
        // No profile file of this machine's user may stand in.
        cmd.env("HOME", home.path())
            .env("AWS_ACCESS_KEY_ID", KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", key)
            .env("AWS_REGION", "us-east-1")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_ENDPOINT");
        cmd
    };
    let ok = deploy(SECRET).assert().success().get_output().clone();
    let text = String::from_utf8_lossy(&ok.stdout) + String::from_utf8_lossy(&ok.stderr);
    assert!(text.contains("uploaded"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    assert_eq!(published(&server), visible(&site.public()));

    let wrong = "not-the-secret-0123456789";
    let failed = deploy(wrong).assert().code(1).get_output().clone();
    let text = String::from_utf8_lossy(&failed.stdout) + String::from_utf8_lossy(&failed.stderr);
    assert!(text.contains("error: "), "{text}");
    assert!(
        text.contains("help: check the bucket, endpoint, region and credentials"),
        "{text}"
    );
    assert!(!text.contains(wrong), "{text}");
}

#[test]
fn cli_mistakes_are_explained_with_exit_codes() {
    let site = Site::fixture("basic");
    let www = tempfile::tempdir().unwrap();
    let to = format!("file://{}", www.path().display());
    site.cmd(&["deploy", "--to", &to])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("not a built site"))
        .stderr(predicates::str::contains("help: build the site first"));
    site.cmd(&["deploy"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("error: no deploy target"));
    site.cmd(&["deploy", "--to", "ftp://press"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--to: `ftp://press` is neither"));

    let yaml = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        format!("{yaml}deploy:\n  targets:\n    - name: production\n      url: s3://press/site\n"),
    );
    site.cmd(&["deploy", "--target", "staging"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "error: `staging` is not a deploy target of site.yaml\n  help: use one of: production",
        ));
    let lines = yaml.lines().count();
    site.write(
        "site.yaml",
        format!("{yaml}deploy:\n  targets:\n    - name: production\n      url: s3:/press\n"),
    );
    site.cmd(&["deploy"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(format!(
            "site.yaml:{}:12: error: `s3:/press` is neither",
            lines + 4
        )));
}

#[test]
fn the_cli_refuses_a_mass_deletion_without_yes() {
    let site = built();
    let www = tempfile::tempdir().unwrap();
    let to = format!("file://{}", www.path().join("www").display());
    site.cmd(&["deploy", "--to", &to, "-q"]).assert().success();
    site.remove("content/releases/2015/visit.en.md");
    site.build();
    site.cmd(&["deploy", "--to", &to, "--max-deletes", "1"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "more than --max-deletes 1; nothing was changed",
        ))
        .stderr(predicates::str::contains("--yes"));
    assert!(
        www.path()
            .join("www/en/releases/2015/visit/index.html")
            .exists()
    );
    site.cmd(&[
        "deploy",
        "--to",
        &to,
        "--max-deletes",
        "1",
        "--yes",
        "--dry-run",
    ])
    .assert()
    .success()
    .stdout(predicates::str::contains(
        "delete        en/releases/2015/visit/index.html",
    ));
    assert!(
        www.path()
            .join("www/en/releases/2015/visit/index.html")
            .exists()
    );
}
