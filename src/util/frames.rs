//! Per-thread stacks of logs: a computation runs inside a frame, and what it
//! logs goes to the innermost frame on its thread. What a file's rendering
//! read (`render::deps`) and which bodies a hash read (`document::reads`)
//! are both collected this way.

use std::cell::RefCell;
use std::thread::LocalKey;

/// A per-thread stack of frames, innermost last.
pub type Stack<F> = LocalKey<RefCell<Vec<F>>>;

/// Runs `f` inside a new frame of `stack`; its value and what the frame
/// collected. The frame is popped even if `f` panics, so that a later frame
/// on this thread starts clean.
pub fn within<F: Default + 'static, T>(stack: &'static Stack<F>, f: impl FnOnce() -> T) -> (T, F) {
    stack.with(|frames| frames.borrow_mut().push(F::default()));
    struct Pop<F: 'static>(&'static Stack<F>);
    impl<F: 'static> Drop for Pop<F> {
        fn drop(&mut self) {
            self.0.with(|frames| frames.borrow_mut().pop());
        }
    }
    let pop = Pop(stack);
    let value = f();
    let frame =
        stack.with(|frames| std::mem::take(frames.borrow_mut().last_mut().expect("pushed above")));
    drop(pop);
    (value, frame)
}

/// Gives the innermost frame of `stack` on this thread to `log`; does
/// nothing outside every frame.
pub fn innermost<F: 'static>(stack: &'static Stack<F>, log: impl FnOnce(&mut F)) {
    stack.with(|frames| {
        if let Some(frame) = frames.borrow_mut().last_mut() {
            log(frame);
        }
    });
}

/// Whether a frame of `stack` is open on this thread: whether
/// [`innermost`] would log.
pub fn active<F: 'static>(stack: &'static Stack<F>) -> bool {
    stack.with(|frames| !frames.borrow().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static WORDS: RefCell<Vec<Vec<&'static str>>> = const { RefCell::new(Vec::new()) };
    }

    #[test]
    fn logs_go_to_the_innermost_frame_and_a_panic_leaves_none_behind() {
        innermost(&WORDS, |w| w.push("lost"));
        assert!(!active(&WORDS));
        let ((), outer) = within(&WORDS, || {
            assert!(active(&WORDS));
            innermost(&WORDS, |w| w.push("a"));
            let ((), inner) = within(&WORDS, || innermost(&WORDS, |w| w.push("b")));
            assert_eq!(inner, ["b"]);
            innermost(&WORDS, |w| w.push("c"));
        });
        assert_eq!(outer, ["a", "c"]);
        let panicked =
            std::panic::catch_unwind(|| within(&WORDS, || -> () { panic!("inside a frame") }));
        assert!(panicked.is_err());
        assert!(WORDS.with(|s| s.borrow().is_empty()));
        assert!(!active(&WORDS));
    }
}
