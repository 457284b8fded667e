//! Well-known panics, translated into what to do about them.
//!
//! A panic message from deep inside tokio or the standard library names
//! the symptom; a learner needs the cause in the pattern's terms.

/// Advice for a panic message, if it is one we recognise.
pub fn for_panic(message: &str) -> Option<&'static str> {
    const KNOWN: &[(&str, &str)] = &[
        (
            "Cannot block the current thread from within a runtime",
            "`blocking_recv`/`blocking_send` (or another blocking call) ran on a runtime \
             thread: in async code, or in a plain `fn` called from it. There, use \
             `.recv().await` / `.send(v).await`; the blocking forms are for threads of your \
             own (`spawn_blocking`, `std::thread`).",
        ),
        (
            "mpsc bounded channel requires buffer > 0",
            "`mpsc::channel(0)` panics: a bounded channel needs room for at least one message.",
        ),
        (
            "broadcast channel capacity cannot be zero",
            "`broadcast::channel(0)` panics: the capacity must be at least 1.",
        ),
        (
            "called after complete",
            "a oneshot receiver was polled again after it had already produced its value \
             (awaiting it twice, or polling it in a loop after it completed).",
        ),
        (
            "`async fn` resumed after completion",
            "a future was polled again after it had finished: do not await the same future \
             twice (in a `select!` loop, keep a finished branch from running again).",
        ),
        (
            "there is no reactor running",
            "a tokio timer or `tokio::spawn` was used outside a runtime.",
        ),
        (
            "must be called from the context of a Tokio 1.x runtime",
            "a tokio timer or `tokio::spawn` was used outside a runtime.",
        ),
        (
            "value: SendError",
            "`send` failed because the receiving side is gone (or closed), and the code \
             unwrapped it. Handle the `Err` instead: the receiver leaving is a normal event, \
             and the error hands your value back.",
        ),
        (
            "value: RecvError",
            "the other side of the channel was dropped without sending (a oneshot `Sender` \
             dropped, or every `Sender` gone). Turn the `RecvError` into your own error \
             instead of unwrapping it.",
        ),
        (
            "value: Lagged",
            "a broadcast receiver fell behind and `recv` returned `Lagged(n)`: that is not \
             the end of the stream. Count the skipped messages and keep receiving.",
        ),
        (
            "JoinError::Panic",
            "a task spawned by the code panicked, and awaiting its `JoinHandle` was unwrapped. \
             The first panic, above, is the cause.",
        ),
        (
            "JoinError::Cancelled",
            "a spawned task was aborted or its runtime shut down before it finished.",
        ),
    ];
    KNOWN
        .iter()
        .find(|(needle, _)| message.contains(needle))
        .map(|(_, advice)| *advice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_an_unwrapped_send_error() {
        let msg = "called `Result::unwrap()` on an `Err` value: SendError { .. }";
        assert!(for_panic(msg).unwrap().contains("receiving side is gone"));
    }

    #[test]
    fn unknown_panics_get_no_advice() {
        assert_eq!(for_panic("index out of bounds"), None);
    }
}
