//! Which target a deploy goes to, and the credentials it uses there.
//!
//! A target comes from `site.yaml`'s `deploy.targets` (by `--target NAME`,
//! or the first one), and `--to URL` / `--endpoint URL` override it or stand
//! in for it. Credentials follow the AWS conventions every S3 tool follows:
//! the `AWS_*` environment variables first, then the shared profile files
//! (`~/.aws/credentials` and `~/.aws/config`, profile `AWS_PROFILE` or
//! `default`), then whatever the machine provides (instance or container
//! roles). They are handed to the S3 client and never printed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::{CacheControlRule, DeployConfig, DeployUrl};

use super::DeployError;

/// A resolved deploy target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Its name in `site.yaml`, or its URL when it came from `--to` alone.
    pub name: String,
    /// The URL as written.
    pub url: String,
    /// The URL, parsed.
    pub location: DeployUrl,
    /// The S3 API endpoint, for services other than AWS.
    pub endpoint: Option<String>,
    /// The bucket's region.
    pub region: Option<String>,
    /// `Cache-Control` rules tried before the defaults.
    pub cache_control: Vec<CacheControlRule>,
    /// Uploads at once, if the target sets it.
    pub workers: Option<usize>,
}

/// The command line's say in choosing a target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetChoice {
    /// `--target NAME`.
    pub name: Option<String>,
    /// `--to URL`.
    pub to: Option<String>,
    /// `--endpoint URL`.
    pub endpoint: Option<String>,
}

impl Target {
    /// Picks the target for a deploy from the configuration and the command
    /// line.
    pub fn choose(config: &DeployConfig, choice: &TargetChoice) -> Result<Target, DeployError> {
        let named = match &choice.name {
            Some(name) => Some(config.targets.iter().find(|t| &t.name == name).ok_or_else(
                || DeployError::UnknownTarget {
                    name: name.clone(),
                    known: config.targets.iter().map(|t| t.name.clone()).collect(),
                },
            )?),
            // `--to` alone is a deploy without a configured target.
            None if choice.to.is_some() => None,
            None => Some(config.targets.first().ok_or(DeployError::NoTarget)?),
        };
        let mut target = match named {
            Some(t) => Target {
                name: t.name.clone(),
                url: t.url.clone(),
                location: DeployUrl::parse(&t.url).map_err(DeployError::Usage)?,
                endpoint: t.endpoint.clone(),
                region: t.region.clone(),
                cache_control: t.cache_control.clone(),
                workers: t.workers,
            },
            // Named after its URL, which the summary then says once.
            None => Target {
                name: choice.to.clone().unwrap_or_default(),
                url: String::new(),
                location: DeployUrl::Folder(PathBuf::new()),
                endpoint: None,
                region: None,
                cache_control: Vec::new(),
                workers: None,
            },
        };
        if let Some(to) = &choice.to {
            target.location =
                DeployUrl::parse(to).map_err(|m| DeployError::Usage(format!("--to: {m}")))?;
            target.url = to.clone();
        }
        if let Some(endpoint) = &choice.endpoint {
            if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
                return Err(DeployError::Usage(format!(
                    "--endpoint `{endpoint}` is not an http(s) URL"
                )));
            }
            target.endpoint = Some(endpoint.clone());
        }
        Ok(target)
    }
}

/// Where S3 credentials come from.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum Credentials {
    /// The AWS conventions: environment, profile files, machine roles.
    #[default]
    Environment,
    /// Given keys (tests, and programs embedding pressroom).
    Keys {
        /// The access key id.
        id: String,
        /// The secret access key.
        secret: String,
    },
}

impl std::fmt::Debug for Credentials {
    // A derived Debug would print the secret into any log of the options.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Environment => f.write_str("Environment"),
            Credentials::Keys { id, .. } => write!(f, "Keys {{ id: {id:?}, secret: <hidden> }}"),
        }
    }
}

/// Values of one profile of an AWS shared credentials or config file. In
/// the config file a profile other than `default` is `[profile NAME]`.
pub fn profile_values(text: &str, profile: &str, config_file: bool) -> HashMap<String, String> {
    let wanted = if config_file && profile != "default" {
        format!("profile {profile}")
    } else {
        profile.to_owned()
    };
    let mut values = HashMap::new();
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            inside = section.trim() == wanted;
            continue;
        }
        if inside && let Some((key, value)) = line.split_once('=') {
            values.insert(key.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    values
}

/// The shared-file settings of the current profile: credentials from the
/// credentials file (or the config file), the region from the config file.
#[derive(Default)]
pub(super) struct Profile {
    pub(super) key_id: Option<String>,
    pub(super) secret: Option<String>,
    pub(super) token: Option<String>,
    pub(super) region: Option<String>,
}

impl Profile {
    /// Reads the profile named by `AWS_PROFILE` (or `default`) from the files
    /// the AWS tools use; missing files are simply empty.
    pub(super) fn load() -> Profile {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let home = var("HOME").map(PathBuf::from);
        let file = |var_name: &str, default: &str| {
            var(var_name)
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(".aws").join(default)))
        };
        let read = |path: Option<PathBuf>| {
            path.and_then(|p| std::fs::read_to_string(Path::new(&p)).ok())
                .unwrap_or_default()
        };
        let profile = var("AWS_PROFILE").unwrap_or_else(|| "default".to_owned());
        let credentials = profile_values(
            &read(file("AWS_SHARED_CREDENTIALS_FILE", "credentials")),
            &profile,
            false,
        );
        let config = profile_values(&read(file("AWS_CONFIG_FILE", "config")), &profile, true);
        let get = |key: &str| credentials.get(key).or(config.get(key)).cloned();
        Profile {
            key_id: get("aws_access_key_id"),
            secret: get("aws_secret_access_key"),
            token: get("aws_session_token"),
            region: config.get("region").cloned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DeployTarget;

    fn config() -> DeployConfig {
        let target = |name: &str, url: &str| DeployTarget {
            name: name.to_owned(),
            url: url.to_owned(),
            endpoint: None,
            region: Some("eu-west-1".to_owned()),
            cache_control: Vec::new(),
            workers: None,
        };
        DeployConfig {
            targets: vec![
                target("production", "s3://press/archive"),
                target("mirror", "file:///srv/www"),
            ],
        }
    }

    #[test]
    fn the_first_target_is_the_default() {
        let t = Target::choose(&config(), &TargetChoice::default()).unwrap();
        assert_eq!(t.name, "production");
        assert_eq!(
            t.location,
            DeployUrl::S3 {
                bucket: "press".to_owned(),
                prefix: "archive".to_owned()
            }
        );
        let choice = TargetChoice {
            name: Some("mirror".to_owned()),
            ..TargetChoice::default()
        };
        let t = Target::choose(&config(), &choice).unwrap();
        assert_eq!(t.location, DeployUrl::Folder(PathBuf::from("/srv/www")));
    }

    #[test]
    fn the_command_line_overrides_or_replaces_the_config() {
        let choice = TargetChoice {
            name: Some("production".to_owned()),
            to: Some("s3://staging-bucket".to_owned()),
            endpoint: Some("http://127.0.0.1:9000".to_owned()),
        };
        let t = Target::choose(&config(), &choice).unwrap();
        assert_eq!(t.url, "s3://staging-bucket");
        assert_eq!(t.region.as_deref(), Some("eu-west-1"));
        assert_eq!(t.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        let choice = TargetChoice {
            to: Some("file:///tmp/site".to_owned()),
            ..TargetChoice::default()
        };
        let t = Target::choose(&DeployConfig::default(), &choice).unwrap();
        assert_eq!(t.location, DeployUrl::Folder(PathBuf::from("/tmp/site")));
        assert_eq!(t.region, None);
    }

    #[test]
    fn wrong_choices_are_explained() {
        let choice = TargetChoice {
            name: Some("prod".to_owned()),
            ..TargetChoice::default()
        };
        let e = Target::choose(&config(), &choice).unwrap_err();
        assert!(e.to_string().contains("`prod`"), "{e}");
        assert!(e.help().contains("production, mirror"), "{}", e.help());
        let e = Target::choose(&DeployConfig::default(), &TargetChoice::default()).unwrap_err();
        assert!(matches!(e, DeployError::NoTarget));
        let choice = TargetChoice {
            to: Some("ftp://x".to_owned()),
            ..TargetChoice::default()
        };
        assert!(Target::choose(&config(), &choice).is_err());
        let choice = TargetChoice {
            endpoint: Some("localhost:9000".to_owned()),
            ..TargetChoice::default()
        };
        assert!(Target::choose(&config(), &choice).is_err());
    }

    #[test]
    fn profiles_are_read_from_both_file_styles() {
        let credentials = "[default]\naws_access_key_id = AKIDEFAULT\n\n[ci]\n# a comment\naws_access_key_id=AKICI\naws_secret_access_key = s3cr3t\n";
        let ci = profile_values(credentials, "ci", false);
        assert_eq!(ci["aws_access_key_id"], "AKICI");
        assert_eq!(ci["aws_secret_access_key"], "s3cr3t");
        assert_eq!(
            profile_values(credentials, "default", false)["aws_access_key_id"],
            "AKIDEFAULT"
        );
        let config = "[default]\nregion = us-east-2\n[profile ci]\nregion = eu-central-1\n";
        assert_eq!(profile_values(config, "ci", true)["region"], "eu-central-1");
        assert_eq!(
            profile_values(config, "default", true)["region"],
            "us-east-2"
        );
        assert!(profile_values(config, "ci", false).is_empty());
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let keys = Credentials::Keys {
            id: "AKI".to_owned(),
            secret: "s3cr3t".to_owned(),
        };
        assert!(!format!("{keys:?}").contains("s3cr3t"));
    }
}
