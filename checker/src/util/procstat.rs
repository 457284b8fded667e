//! One line of Linux's `/proc/PID/stat` (or `/proc/PID/task/TID/stat`),
//! read by field number: the watchdog takes a test's CPU time and sleep
//! state from it, the build's limits a compiler's CPU time and memory, and
//! the observer a thread's state.
//!
//! The only subtle part is the second field, the command name in
//! parentheses, which may itself hold spaces and `)`: the fields are
//! counted from the last `)`. Elsewhere than on Linux the file does not
//! exist and [`Stat::read`] says `None`.

/// The fields of one `stat` line.
pub struct Stat {
    /// What follows the command name: field 3 (the state) onwards.
    after_command: String,
}

impl Stat {
    /// `/proc/{of}/stat`, where `of` is a process id or `PID/task/TID`.
    pub fn read(of: &str) -> Option<Stat> {
        Stat::parse(&std::fs::read_to_string(format!("/proc/{of}/stat")).ok()?)
    }

    pub fn parse(line: &str) -> Option<Stat> {
        let (_, rest) = line.rsplit_once(')')?;
        Some(Stat {
            after_command: rest.to_string(),
        })
    }

    /// Field `number` as proc(5) numbers them from 1: 3 is the state,
    /// 14 and 15 the user and system time, 24 the resident set.
    pub fn field(&self, number: usize) -> Option<&str> {
        self.after_command
            .split_whitespace()
            .nth(number.checked_sub(3)?)
    }

    /// A numeric field (see [`Stat::field`]).
    pub fn number(&self, number: usize) -> Option<u64> {
        self.field(number)?.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_counted_after_the_last_parenthesis() {
        // A command name holding spaces and a `)` of its own.
        let line = "4242 (a) b (c) S 1 4242 4242 0 -1 4194560 1 0 0 0 7 3 0 0 20 0 1 0 9 4096 55";
        let stat = Stat::parse(line).unwrap();
        assert_eq!(stat.field(3), Some("S"));
        assert_eq!(stat.number(4), Some(1));
        assert_eq!(stat.number(14), Some(7));
        assert_eq!(stat.number(15), Some(3));
        assert_eq!(stat.number(24), Some(55));
        assert_eq!(stat.field(2), None, "the command is not a field here");
        assert_eq!(stat.field(25), None);
        assert!(Stat::parse("no parenthesis").is_none());
    }
}
