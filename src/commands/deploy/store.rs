//! The remote side: an S3 bucket (through `object_store`, which signs the
//! requests and retries failed ones with back-off) or a folder.
//!
//! Both are an `ObjectStore`, so uploading, listing and deleting are the same
//! code; what differs is whether objects keep headers (a bucket does, a folder
//! has no such thing) and how a listed object's hash is learnt.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{
    Attribute, AttributeValue, Attributes, BackoffConfig, ClientOptions, GetOptions, ObjectStore,
    ObjectStoreExt, PutMultipartOptions, PutOptions, PutPayload, RetryConfig, WriteMultipart,
};

use super::DeployError;
use super::plan::Upload;
use super::scan::{self, Entry, HASH_METADATA, MANIFEST, Manifest};
use super::target::{Credentials, Profile, Target};
use crate::config::DeployUrl;

/// How a deploy talks to the remote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// Where S3 credentials come from.
    pub credentials: Credentials,
    /// Retries of a failed request (server errors, lost connections).
    pub retries: usize,
    /// The first wait before a retry; each next one doubles, up to 15 s.
    pub backoff: Duration,
    /// Files of at least this size go up in parts.
    pub multipart_threshold: u64,
    /// The size of each part (S3 needs at least 5 MiB but for the last).
    pub part_size: usize,
}

impl Default for Connection {
    fn default() -> Self {
        Connection {
            credentials: Credentials::Environment,
            retries: 5,
            backoff: Duration::from_millis(200),
            multipart_threshold: 16 * 1024 * 1024,
            part_size: 8 * 1024 * 1024,
        }
    }
}

/// An open remote.
#[derive(Debug)]
pub struct Remote {
    store: Arc<dyn ObjectStore>,
    /// The key prefix the site lives under (empty for the root).
    prefix: String,
    /// Whether objects keep headers and metadata (a bucket) or not (a folder).
    has_headers: bool,
    connection: Connection,
}

impl Remote {
    /// Connects to a target. Nothing is requested yet.
    pub fn open(target: &Target, connection: &Connection) -> Result<Remote, DeployError> {
        let (store, prefix, has_headers): (Arc<dyn ObjectStore>, String, bool) =
            match &target.location {
                DeployUrl::S3 { bucket, prefix } => (
                    Arc::new(s3(target, bucket, connection)?),
                    prefix.clone(),
                    true,
                ),
                DeployUrl::Folder(dir) => {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| DeployError::Local(dir.clone(), e.to_string()))?;
                    let store = LocalFileSystem::new_with_prefix(dir)
                        .map_err(|e| DeployError::Local(dir.clone(), e.to_string()))?;
                    (Arc::new(store), String::new(), false)
                }
            };
        Ok(Remote {
            store,
            prefix,
            has_headers,
            connection: connection.clone(),
        })
    }

    /// Whether objects keep `Content-Type` and `Cache-Control`.
    pub fn has_headers(&self) -> bool {
        self.has_headers
    }

    fn key(&self, rel: &str) -> Result<Key, DeployError> {
        let full = if self.prefix.is_empty() {
            rel.to_owned()
        } else {
            format!("{}/{rel}", self.prefix)
        };
        Key::parse(&full).map_err(|e| DeployError::Remote {
            path: rel.to_owned(),
            message: format!("not a valid object name: {e}"),
        })
    }

    fn remote_error(rel: &str, e: &object_store::Error) -> DeployError {
        DeployError::Remote {
            path: rel.to_owned(),
            message: e.to_string(),
        }
    }

    /// The manifest, if there is one to trust.
    pub async fn read_manifest(&self) -> Result<Option<Manifest>, DeployError> {
        let key = self.key(MANIFEST)?;
        match self.store.get(&key).await {
            Ok(got) => {
                let bytes = got
                    .bytes()
                    .await
                    .map_err(|e| Self::remote_error(MANIFEST, &e))?;
                Ok(Manifest::parse(&bytes))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(Self::remote_error(MANIFEST, &e)),
        }
    }

    /// Writes the manifest. It is small and read by pressroom only, so it is
    /// never cached.
    pub async fn write_manifest(&self, manifest: &Manifest) -> Result<(), DeployError> {
        let key = self.key(MANIFEST)?;
        let mut attributes = Attributes::new();
        if self.has_headers {
            attributes.insert(
                Attribute::ContentType,
                AttributeValue::from("application/json"),
            );
            attributes.insert(Attribute::CacheControl, AttributeValue::from("no-store"));
        }
        let opts = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        self.store
            .put_opts(&key, PutPayload::from(manifest.to_bytes()), opts)
            .await
            .map(|_| ())
            .map_err(|e| Self::remote_error(MANIFEST, &e))
    }

    /// Every object under the prefix but the skipped ones, with its hash;
    /// `verify` also reads each object's headers (one request per object).
    /// A bucket's single-part objects are known by their `ETag`, others by
    /// their hash metadata; a folder's files are read and hashed.
    pub async fn list(
        &self,
        workers: usize,
        verify: bool,
    ) -> Result<BTreeMap<String, Entry>, DeployError> {
        let prefix = if self.prefix.is_empty() {
            None
        } else {
            Some(self.key("")?)
        };
        let listed: Vec<object_store::ObjectMeta> = self
            .store
            .list(prefix.as_ref())
            .try_collect()
            .await
            .map_err(|e| Self::remote_error(&self.prefix, &e))?;
        let strip = if self.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.prefix)
        };
        let objects: Vec<(String, object_store::ObjectMeta)> = listed
            .into_iter()
            .filter_map(|meta| {
                let rel = meta.location.as_ref().strip_prefix(&strip)?.to_owned();
                (!scan::is_skipped(&rel)).then_some((rel, meta))
            })
            .collect();
        let entries: Vec<(String, Entry)> = futures::stream::iter(objects)
            .map(|(rel, meta)| async move {
                let entry = self.entry_of(&rel, &meta, verify).await?;
                Ok::<_, DeployError>((rel, entry))
            })
            .buffer_unordered(workers.max(1))
            .try_collect()
            .await?;
        Ok(entries.into_iter().collect())
    }

    /// What the remote knows of one listed object.
    async fn entry_of(
        &self,
        rel: &str,
        meta: &object_store::ObjectMeta,
        verify: bool,
    ) -> Result<Entry, DeployError> {
        let etag = meta.e_tag.as_deref().unwrap_or("");
        let mut entry = Entry {
            md5: String::new(),
            size: meta.size,
            content_type: None,
            cache_control: None,
        };
        if !self.has_headers {
            let got = self
                .store
                .get(&meta.location)
                .await
                .map_err(|e| Self::remote_error(rel, &e))?;
            let bytes = got.bytes().await.map_err(|e| Self::remote_error(rel, &e))?;
            entry.md5 = scan::md5_hex(&bytes);
            return Ok(entry);
        }
        if !verify && let Some(md5) = md5_of_etag(etag) {
            entry.md5 = md5;
            return Ok(entry);
        }
        let head = GetOptions {
            head: true,
            ..GetOptions::default()
        };
        let got = self
            .store
            .get_opts(&meta.location, head)
            .await
            .map_err(|e| Self::remote_error(rel, &e))?;
        let attribute = |a: Attribute| got.attributes.get(&a).map(|v| v.as_ref().to_owned());
        // An object without the metadata (uploaded in parts by another
        // tool) keeps an empty hash, so it is uploaded again.
        entry.md5 = attribute(Attribute::Metadata(HASH_METADATA.into()))
            .or_else(|| md5_of_etag(etag))
            .unwrap_or_default();
        entry.content_type = attribute(Attribute::ContentType);
        entry.cache_control = attribute(Attribute::CacheControl);
        if verify {
            // An object that claims no headers must not pass for one whose
            // headers are right.
            entry.content_type.get_or_insert_default();
            entry.cache_control.get_or_insert_default();
        }
        Ok(entry)
    }

    /// Uploads one file of the output folder with its headers and hash.
    pub async fn upload(&self, output: &Path, upload: &Upload) -> Result<(), DeployError> {
        let key = self.key(&upload.path)?;
        let file = output.join(&upload.path);
        let bytes = tokio::fs::read(&file)
            .await
            .map_err(|e| DeployError::Local(file.clone(), e.to_string()))?;
        // The file may have changed since it was hashed (a build running
        // meanwhile): uploading it under the old hash would hide the change
        // from every later deploy.
        if scan::md5_hex(&bytes) != upload.md5 {
            return Err(DeployError::Local(
                file,
                "the file changed during the deploy".to_owned(),
            ));
        }
        let mut attributes = Attributes::new();
        if self.has_headers {
            if let Some(t) = &upload.content_type {
                attributes.insert(Attribute::ContentType, AttributeValue::from(t.clone()));
            }
            if let Some(c) = &upload.cache_control {
                attributes.insert(Attribute::CacheControl, AttributeValue::from(c.clone()));
            }
            attributes.insert(
                Attribute::Metadata(HASH_METADATA.into()),
                AttributeValue::from(upload.md5.clone()),
            );
        }
        let failed = |e: object_store::Error| Self::remote_error(&upload.path, &e);
        if self.has_headers && upload.size >= self.connection.multipart_threshold {
            let opts = PutMultipartOptions {
                attributes,
                ..PutMultipartOptions::default()
            };
            let parts = self
                .store
                .put_multipart_opts(&key, opts)
                .await
                .map_err(failed)?;
            let mut writer =
                WriteMultipart::new_with_chunk_size(parts, self.connection.part_size.max(1));
            writer.write(&bytes);
            writer.finish().await.map_err(failed)?;
        } else {
            let opts = PutOptions {
                attributes,
                ..PutOptions::default()
            };
            self.store
                .put_opts(&key, PutPayload::from(bytes), opts)
                .await
                .map_err(failed)?;
        }
        Ok(())
    }

    /// Deletes one object; one already gone is fine.
    pub async fn delete(&self, rel: &str) -> Result<(), DeployError> {
        let key = self.key(rel)?;
        match self.store.delete(&key).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(Self::remote_error(rel, &e)),
        }
    }
}

/// The MD5 an S3 `ETag` gives away: that of a single-part upload is the hex
/// MD5 of the bytes, quoted; a multipart one (`"…-3"`) is not, and neither
/// is a missing one, so those objects are asked for their metadata.
fn md5_of_etag(etag: &str) -> Option<String> {
    // A weak ETag (`W/"…"`) promises no bytes, so it stays unparsed.
    let etag = etag.trim_matches('"');
    scan::is_md5(etag).then(|| etag.to_ascii_lowercase())
}

/// The S3 client for a bucket target.
fn s3(
    target: &Target,
    bucket: &str,
    connection: &Connection,
) -> Result<object_store::aws::AmazonS3, DeployError> {
    let mut builder = match &connection.credentials {
        Credentials::Keys { id, secret } => AmazonS3Builder::new()
            .with_access_key_id(id)
            .with_secret_access_key(secret),
        Credentials::Environment => {
            let mut builder = AmazonS3Builder::from_env();
            let has_env_keys = std::env::var_os("AWS_ACCESS_KEY_ID").is_some();
            let has_env_region = std::env::var_os("AWS_REGION").is_some()
                || std::env::var_os("AWS_DEFAULT_REGION").is_some();
            let profile = Profile::load();
            if !has_env_keys && let (Some(id), Some(secret)) = (&profile.key_id, &profile.secret) {
                builder = builder
                    .with_access_key_id(id)
                    .with_secret_access_key(secret);
                if let Some(token) = &profile.token {
                    builder = builder.with_token(token);
                }
            }
            if !has_env_region && let Some(region) = &profile.region {
                builder = builder.with_region(region);
            }
            builder
        }
    };
    // Client options first: they replace the whole set, `allow_http` too.
    builder = builder
        .with_client_options(ClientOptions::new().with_timeout(Duration::from_secs(120)))
        .with_bucket_name(bucket);
    if let Some(region) = &target.region {
        builder = builder.with_region(region);
    }
    if let Some(endpoint) = &target.endpoint {
        builder = builder
            .with_endpoint(endpoint)
            .with_allow_http(endpoint.starts_with("http://"));
    }
    let retry = RetryConfig {
        backoff: BackoffConfig {
            init_backoff: connection.backoff,
            max_backoff: Duration::from_secs(15),
            base: 2.0,
        },
        max_retries: connection.retries,
        retry_timeout: Duration::from_secs(180),
    };
    builder.with_retry(retry).build().map_err(|e| {
        DeployError::Usage(format!(
            "cannot set up the S3 client for `{}`: {e}",
            target.url
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_single_part_etags_give_an_md5() {
        let md5 = "5d41402abc4b2a76b9719d911017c592";
        assert_eq!(md5_of_etag(&format!("\"{md5}\"")).as_deref(), Some(md5));
        assert_eq!(
            md5_of_etag("\"5D41402ABC4B2A76B9719D911017C592\"").as_deref(),
            Some(md5)
        );
        assert_eq!(md5_of_etag(md5).as_deref(), Some(md5));
        assert_eq!(md5_of_etag(&format!("\"{md5}-2\"")), None);
        assert_eq!(md5_of_etag(""), None);
        assert_eq!(md5_of_etag("\"0\""), None);
        assert_eq!(md5_of_etag(&format!("W/\"{md5}\"")), None);
    }
}
