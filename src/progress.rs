//! Progress of a build, for a progress bar.
//!
//! The library never prints; a build reports its stages and the pages
//! rendered so far to an [`Observer`] in its [`crate::BuildOptions`], and the
//! binary draws a bar from them on a terminal. The observer is called from the
//! renderer's threads, so it is `Send + Sync` and must be quick.

use std::fmt;
use std::sync::Arc;

/// Where a build is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Reading the configuration, the content and the theme.
    Reading,
    /// Rendering: `done` of `total` output files handled.
    Rendering {
        /// Files rendered (or found unchanged) so far.
        done: usize,
        /// Files the build produces.
        total: usize,
    },
    /// Moving the finished files into the output folder.
    Writing,
}

/// Receives a build's [`Progress`]; the default one ignores it.
#[derive(Clone, Default)]
pub struct Observer(Option<Arc<dyn Fn(Progress) + Send + Sync>>);

impl Observer {
    /// An observer that calls `f` with every report.
    pub fn new(f: impl Fn(Progress) + Send + Sync + 'static) -> Observer {
        Observer(Some(Arc::new(f)))
    }

    /// Passes `progress` on, if anyone listens.
    pub fn report(&self, progress: Progress) {
        if let Some(f) = &self.0 {
            f(progress);
        }
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Observer(..)"
        } else {
            "Observer(none)"
        })
    }
}

/// Two observers are equal when they are the same one (or both none): build
/// options compare equal only if they report to the same place.
impl PartialEq for Observer {
    fn eq(&self, other: &Observer) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl Eq for Observer {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn reports_reach_the_callback() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let observer = Observer::new(move |p| sink.lock().unwrap().push(p));
        observer.report(Progress::Reading);
        observer.report(Progress::Rendering { done: 1, total: 2 });
        Observer::default().report(Progress::Writing);
        assert_eq!(
            *seen.lock().unwrap(),
            [Progress::Reading, Progress::Rendering { done: 1, total: 2 }]
        );
        assert_eq!(observer, observer.clone());
        assert_ne!(observer, Observer::default());
    }
}
