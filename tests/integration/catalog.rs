//! The catalogue of bad input. For each case: a clear message at
//! `path:line:column` where a location exists, exit code 1, no panic, the
//! previous output unchanged, and `check` rejecting it with the same messages. The transcripts of all cases are one snapshot, so
//! a reviewer reads every message an editor can get in one place.

use std::fmt::Write as _;

use crate::util::Site;

/// (name, files to write, files to remove)
type Case = (
    &'static str,
    Vec<(&'static str, Vec<u8>)>,
    Vec<&'static str>,
);

fn release(text: &str) -> Vec<(&'static str, Vec<u8>)> {
    vec![("content/releases/2015/bad.en.md", text.as_bytes().to_vec())]
}

/// Ten levels of nine aliases each (a billion "lol"s once expanded), defined
/// inside `tags` and used by `aliases`, both known fields, so the parser
/// really meets them. Every front-matter value is text or a list of text, and
/// serde_yaml resolves an alias only when it reads the value it stands for:
/// the first nested list is refused there, before anything expands.
fn billion_laughs() -> String {
    let mut yaml = String::from(
        "---\ntitle: Laughs\ndate: 2015-01-01\ntags:\n  - &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        let _ = writeln!(yaml, "  - &a{i} [{refs}]");
    }
    yaml.push_str("aliases: *a9\n---\n");
    yaml
}

fn cases() -> Vec<Case> {
    // 100,000 levels: refused at the 129th bracket, before the YAML parser,
    // whose time grows with the square of the depth, reads any of them.
    let deep = format!(
        "---\ntitle: Deep\ndate: 2015-01-01\ntags: {}{}\n---\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let huge_title = format!(
        "---\ntitle: \"{}\"\ndate: 2015-01-01\n---\n",
        "x".repeat(10 * 1024 * 1024)
    );
    let many_tags = format!(
        "---\ntitle: T\ndate: 2015-01-01\ntags: [{}]\n---\n",
        (0..21)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let long = |key: &str, n: usize| {
        format!(
            "---\ntitle: T\ndate: 2015-01-01\n{key}: \"{}\"\n---\n",
            "x".repeat(n)
        )
    };
    let table = format!(
        "---\ntitle: T\ndate: 2015-01-01\n---\n\n|a|b|\n|-|-|\n{}",
        "|x|y|\n".repeat(100_000)
    );
    vec![
        ("empty file", release(""), vec![]),
        ("front matter not closed", release("---\ntitle: Open\ndate: 2015-01-01\n\nText.\n"), vec![]),
        ("front matter not a mapping", release("---\n- title\n- date\n---\n"), vec![]),
        ("yaml with tabs", release("---\ntitle: Tabs\ndate: 2015-01-01\ntags:\n\t- probation\n---\n"), vec![]),
        ("duplicate keys", release("---\ntitle: One\ntitle: Two\ndate: 2015-01-01\n---\n"), vec![]),
        ("billion laughs", release(&billion_laughs()), vec![]),
        ("very deep nesting", release(&deep), vec![]),
        ("tags not a list", release("---\ntitle: T\ndate: 2015-01-01\ntags: probation\n---\n"), vec![]),
        ("date yesterday", release("---\ntitle: T\ndate: yesterday\n---\n"), vec![]),
        ("date 2015-02-30", release("---\ntitle: T\ndate: 2015-02-30\n---\n"), vec![]),
        ("title of 10 MB", release(&huge_title), vec![]),
        ("not utf-8", vec![("content/releases/2015/bad.en.md", b"---\ntitle: Caf\xe9\ndate: 2015-01-01\n---\n".to_vec())], vec![]),
        ("slug with dots", release("---\ntitle: T\ndate: 2015-01-01\nslug: ../../etc\n---\n"), vec![]),
        ("slug with slash", release("---\ntitle: T\ndate: 2015-01-01\nslug: a/b\n---\n"), vec![]),
        ("slug with nul", release("---\ntitle: T\ndate: 2015-01-01\nslug: \"a\\0b\"\n---\n"), vec![]),
        ("slug absolute", release("---\ntitle: T\ndate: 2015-01-01\nslug: /etc/passwd\n---\n"), vec![]),
        ("alias with dots", release("---\ntitle: T\ndate: 2015-01-01\naliases: [\"/a/../../../etc/passwd\"]\n---\n"), vec![]),
        ("alias not absolute", release("---\ntitle: T\ndate: 2015-01-01\naliases: [\"old/page.html\"]\n---\n"), vec![]),
        ("alias with nul", release("---\ntitle: T\ndate: 2015-01-01\naliases: [\"/a\\0b\"]\n---\n"), vec![]),
        ("two releases one url", release("---\ntitle: T\ndate: 2015-12-11\nslug: forum\n---\n"), vec![]),
        ("tag key not a slug", release("---\ntitle: T\ndate: 2015-01-01\ntags: [\"Prison Reform\"]\n---\n"), vec![]),
        ("language not in site.yaml", vec![("content/releases/2015/forum.de.md", b"---\ntitle: T\ndate: 2015-01-01\n---\n".to_vec())], vec![]),
        ("template syntax error", vec![("templates/page.html", b"{% extends \"base.html\" %}\n{% block content %}\n{% if %}\n{% endblock content %}\n".to_vec())], vec![]),
        ("template undefined variable", vec![("templates/page.html", b"{% extends \"base.html\" %}\n{% block content %}\n{{ page.nonexistent }}\n{% endblock content %}\n".to_vec())], vec![]),
        ("missing theme", vec![("site.yaml", [include_str!("../fixtures/basic/site.yaml").as_bytes(), b"theme: gone\n"].concat())], vec![]),
        ("missing site.yaml", vec![], vec!["site.yaml"]),
        ("alias to the output marker", release("---\ntitle: T\ndate: 2015-01-01\naliases: [\"/.pressroom-output\"]\n---\n"), vec![]),
        ("alias to a dotfile", release("---\ntitle: T\ndate: 2015-01-01\naliases:\n  - /old.html\n  - /.htaccess\n---\n"), vec![]),
        ("alias to sitemap.xml", release("---\ntitle: T\ndate: 2015-01-01\naliases:\n  - /old.html\n  - /sitemap.xml\n---\n"), vec![]),
        ("alias to a sitemap part", release("---\ntitle: T\ndate: 2015-01-01\naliases: [\"/sitemap-2.xml\"]\n---\n"), vec![]),
        ("alias to robots.txt", release("---\ntitle: T\ndate: 2015-01-01\naliases: [\"/robots.txt\"]\n---\n"), vec![]),
        ("alias to a not-found page", release("---\ntitle: T\ndate: 2015-01-01\naliases: [\"/ru/404.html\"]\n---\n"), vec![]),
        ("alias to a static file", release("---\ntitle: T\ndate: 2015-01-01\naliases:\n  - /css/style.css\n---\n"), vec![]),
        ("javascript link", release("---\ntitle: T\ndate: 2015-01-01\n---\n\nSee [this](JavaScript:alert(document.cookie)).\n"), vec![]),
        ("javascript link behind entities", release("---\ntitle: T\ndate: 2015-01-01\n---\n\nSee [this](&#106;ava&#x09;script&colon;alert(1)).\n"), vec![]),
        ("vbscript autolink", release("---\ntitle: T\ndate: 2015-01-01\n---\n\nSee <vbscript:msgbox(1)>.\n"), vec![]),
        ("data image", release("---\ntitle: T\ndate: 2015-01-01\n---\n\n![x](data:image/svg+xml;base64,PHN2Zz4=)\n"), vec![]),
        ("javascript reference definition", release("---\ntitle: T\ndate: 2015-01-01\n---\n\nSee [this][x].\n\n[x]: javascript:alert(1)\n"), vec![]),
        ("control character in the body", release("---\ntitle: T\ndate: 2015-01-01\n---\n\nPasted from a terminal: \u{1b}[31mred\n"), vec![]),
        ("control character escaped in the title", release("---\ntitle: \"Bell \\x07 here\"\ndate: 2015-01-01\n---\n"), vec![]),
        ("fallback cycle", vec![("site.yaml", include_str!("../fixtures/basic/site.yaml").replace("    fallback: en\n", "    fallback: kk\n").into_bytes())], vec![]),
        ("base_url with a space", vec![("site.yaml", include_str!("../fixtures/basic/site.yaml").replace("https://press.example.org", "https://press.example.org/a b").into_bytes())], vec![]),
        ("base_url with a query", vec![("site.yaml", include_str!("../fixtures/basic/site.yaml").replace("https://press.example.org", "https://press.example.org/?x=1").into_bytes())], vec![]),
        ("base_url with a fragment", vec![("site.yaml", include_str!("../fixtures/basic/site.yaml").replace("https://press.example.org", "https://press.example.org/#top").into_bytes())], vec![]),
        ("feed_releases 0", vec![("site.yaml", [include_str!("../fixtures/basic/site.yaml").as_bytes(), b"feed_releases: 0\n"].concat())], vec![]),
        ("empty tag label", vec![("content/tags.yaml", include_str!("../fixtures/basic/content/tags.yaml").replacen("ru: Пробация", "ru: \"  \"", 1).into_bytes())], vec![]),
        ("tags.yaml is a folder", vec![("content/tags.yaml/probation.yaml", b"label: { en: Probation }\n".to_vec())], vec!["content/tags.yaml"]),
        ("duplicate Fluent message", vec![("locales/en/extra.ftl", b"# Extra strings\nskip-link = Skip\nsite-extra = Extra\nsite-extra = Again\n".to_vec())], vec![]),
        ("21 tags", release(&many_tags), vec![]),
        ("summary too long", release(&long("summary", 1001)), vec![]),
        ("location too long", release(&long("location", 201)), vec![]),
        ("slug of 300 characters", release(&long("slug", 300)), vec![]),
        ("alias of 300 characters", release(&format!("---\ntitle: T\ndate: 2015-01-01\naliases: [\"/old/{}.html\"]\n---\n", "x".repeat(300))), vec![]),
        ("table of 600 KB", release(&table), vec![]),
        ("limits of zero", vec![("site.yaml", [include_str!("../fixtures/basic/site.yaml").as_bytes(), b"limits:\n  tags_per_release: 0\n".as_slice()].concat())], vec![]),
        ("template include cycle", vec![
            ("templates/page.html", b"{% extends \"base.html\" %}\n{% block content %}\n{% include \"a.html\" %}\n{% endblock content %}\n".to_vec()),
            ("templates/a.html", b"<p>a</p>\n{% include \"b.html\" %}\n".to_vec()),
            ("templates/b.html", b"<p>b</p>\n\n{% include \"a.html\" %}\n".to_vec()),
        ], vec![]),
        ("template extends cycle", vec![("templates/base.html", b"{% extends \"page.html\" %}\n".to_vec())], vec![]),
        ("Fluent cycle", vec![("locales/ru/loop.ftl", b"# Loop\nsite-a = A { site-b }\nsite-b = B { -term-c }\n-term-c = C { site-a }\n".to_vec())], vec![]),
        ("javascript image in front matter", release("---\ntitle: T\ndate: 2015-01-01\nimage: \" javascript:alert(1)\"\nimage_alt: x\n---\n"), vec![]),
    ]
}

fn all_but_last_line(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    lines[..lines.len().saturating_sub(1)].to_vec()
}

#[test]
fn every_bad_input_is_reported_and_changes_nothing() {
    let mut transcript = String::new();
    for (name, files, removed) in cases() {
        let site = Site::fixture("basic");
        site.build();
        let before = site.tree();
        for path in &removed {
            site.remove(path);
        }
        for (path, bytes) in &files {
            site.write(path, bytes);
        }
        let out = site.cmd(&["build"]).assert().code(1);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert_eq!(site.tree(), before, "{name}: the output changed");
        // `check` rejects the same input with the same messages; only the
        // last line, which says what happened to the output, differs.
        let check = site.cmd(&["check"]).assert().code(1);
        let checked = String::from_utf8_lossy(&check.get_output().stderr).into_owned();
        assert_eq!(
            all_but_last_line(&checked),
            all_but_last_line(&stderr),
            "{name}: check and build differ"
        );
        // Only the first lines: a 10 MB title must not land in the snapshot.
        let shown: Vec<String> = stderr
            .lines()
            .map(|l| l.chars().take(300).collect())
            .collect();
        let _ = writeln!(transcript, "## {name}\n{}\n", shown.join("\n"));
    }
    insta::assert_snapshot!(transcript);
}

#[test]
fn a_symlink_loop_is_reported() {
    let site = Site::fixture("basic");
    site.build();
    let before = site.tree();
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", site.root().join("content/releases/loop")).unwrap();
    let out = site.cmd(&["build"]).assert().code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(stderr.starts_with("content/releases/loop:1:1: error: a symbolic link here points back to a folder that contains it"), "{stderr}");
    assert_eq!(site.tree(), before);
}

#[test]
fn a_bom_and_crlf_line_endings_are_accepted() {
    let site = Site::fixture("basic");
    site.write(
        "content/releases/2015/windows.en.md",
        b"\xef\xbb\xbf---\r\ntitle: \"Saved on Windows\"\r\ndate: 2015-05-05\r\n---\r\n\r\nFirst line.\r\n\r\nSecond.\r\n",
    );
    site.build();
    let html = site.read("en/releases/2015/windows/index.html");
    assert!(
        html.contains("<h1 class=\"release__title\">Saved on Windows</h1>"),
        "{html}"
    );
    assert!(html.contains("<p>First line.</p>\n<p>Second.</p>"));
}

#[test]
fn hostile_strings_are_escaped_everywhere() {
    let site = Site::fixture("basic");
    let title = "<script>alert(1)</script>\\\"><img src=x onerror=alert(1)>";
    site.write(
        "content/releases/2015/xss.en.md",
        format!("---\ntitle: \"{title}\"\ndate: 2015-12-12\nlocation: \"<b>Astana</b>\"\nsummary: \"\\\"><svg onload=alert(1)>\"\ntags: [probation]\n---\n\nBody <script>alert(2)</script>\n"),
    );
    site.build();
    for page in [
        "en/releases/2015/xss/index.html",
        "en/index.html",
        "en/releases/index.html",
        "en/tags/probation/index.html",
    ] {
        let html = site.read(page);
        assert!(!html.contains("<script>alert"), "{page}");
        assert!(!html.contains("<img src=x"), "{page}");
        assert!(!html.contains("<svg onload"), "{page}");
        assert!(!html.contains("<b>Astana</b>"), "{page}");
    }
    let html = site.read("en/releases/2015/xss/index.html");
    assert!(html.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt; — Test press office</title>"), "{html}");
    let feed = site.read("en/atom.xml");
    assert!(
        !feed.contains("<script>") && !feed.contains("<img src=x"),
        "{feed}"
    );
    let parsed: atom_syndication::Feed = feed.parse().unwrap();
    assert_eq!(
        parsed.entries()[0].title().as_str(),
        "<script>alert(1)</script>\"><img src=x onerror=alert(1)>"
    );
}

/// Links out of the site, one per folder input is read from: each is an
/// error at the link, for `build` and `check` alike, and nothing is published.
#[test]
fn links_out_of_the_site_are_refused_wherever_they_are() {
    let secrets = tempfile::tempdir().unwrap();
    std::fs::write(secrets.path().join("secret.txt"), "TOKEN=hunter2").unwrap();
    let target = secrets.path().join("secret.txt");
    for link in [
        "content/releases/2015/bundle/secret.txt",
        "static/secret.txt",
        "templates/secret.html",
        "locales/en/secret.ftl",
        "content/releases/2016",
    ] {
        let site = Site::fixture("basic");
        site.build();
        let before = site.tree();
        if link.starts_with("content/releases/2015/bundle") {
            site.write(
                "content/releases/2015/bundle/index.en.md",
                "---\ntitle: Bundle\ndate: 2015-03-03\n---\n\nText.\n",
            );
        }
        let path = site.root().join(link);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let to = if link.ends_with("2016") {
            secrets.path()
        } else {
            &target
        };
        std::os::unix::fs::symlink(to, &path).unwrap();
        let expected = format!(
            "{link}:1:1: error: this is a symbolic link to `{}`, outside the site; pressroom reads only files inside the site folder and its theme\n  help: copy the file into the site instead of linking to it, or remove the link\n",
            std::fs::canonicalize(to).unwrap().display()
        );
        for command in ["build", "check"] {
            let out = site.cmd(&[command]).assert().code(1);
            let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
            assert!(stderr.starts_with(&expected), "{link}, {command}: {stderr}");
        }
        assert_eq!(site.tree(), before, "{link}: the output changed");
    }
}

/// Output folders inside what the build reads, or the site root itself.
#[test]
fn outputs_inside_the_sites_inputs_are_refused() {
    let site = Site::fixture("basic");
    for (out, what) in [
        ("content/public", "inside content/"),
        ("themes/osce/static/public", "inside the theme"),
        ("static/public", "inside static/"),
        (".", "the site root itself"),
    ] {
        let dir = site.root().join(out);
        let assert = site
            .cmd(&["build", "-o", &dir.to_string_lossy()])
            .assert()
            .code(1);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert_eq!(
            stderr,
            format!(
                "{}:1:1: error: the output folder is {what}; the build would read its own output back\n  help: choose an output folder outside the site's content/, templates/, static/ and locales/ and the theme, e.g. `public/` (the default)\nbuild failed: 1 error; the output folder was left as it was\n",
                dir.display()
            )
        );
        assert!(!site.root().join(out).join("index.html").exists());
    }
}

/// A gh-pages worktree in the output: `.git` and the other dotfiles the build
/// does not produce stay, across builds that change and delete pages.
#[test]
fn dotfiles_in_the_output_are_kept() {
    let site = Site::fixture("basic");
    site.build();
    site.write("public/.git/HEAD", "ref: refs/heads/gh-pages\n");
    site.write("public/.nojekyll", "");
    site.remove("content/releases/2015/visit.en.md");
    site.build();
    assert!(!site.exists("en/releases/2015/visit/index.html"));
    assert_eq!(site.read(".git/HEAD"), "ref: refs/heads/gh-pages\n");
    assert!(site.exists(".nojekyll"));
}

/// A character XML forbids that reaches a feed past the input checks (a YAML
/// escape in a tag label) is dropped: feeds are always well-formed.
#[test]
fn feeds_stay_well_formed_whatever_reaches_them() {
    let site = Site::fixture("basic");
    let tags = std::fs::read_to_string(site.root().join("content/tags.yaml")).unwrap();
    site.write(
        "content/tags.yaml",
        tags.replacen("en: Probation", "en: \"Pro\\x01ba\\x1Ftion\"", 1),
    );
    site.build();
    let feed = site.read("en/tags/probation/atom.xml");
    let parsed: atom_syndication::Feed = feed.parse().unwrap();
    assert!(
        parsed.title().as_str().contains("Probation"),
        "{}",
        parsed.title().as_str()
    );
}
