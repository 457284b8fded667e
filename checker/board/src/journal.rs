//! The board's memory across restarts: an append-only log of every post
//! that changed the room, one JSON line each (`{"at":MS,"post":{...}}`),
//! in the instructor's course folder (`target/checker/board/`).
//!
//! Appending before the attendee's checker gets its answer means an
//! accepted check is never lost by a restart; replaying the lines in
//! order rebuilds the room exactly (times included). Only changes are
//! logged, so a room that re-checks without editing does not grow it.
//! A line cut short by a kill mid-write is skipped on replay.

use crate::payload::{self, Post};
use crate::room::Room;
use checker::util::json::{self, View};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

pub struct Journal {
    file: tokio::fs::File,
    pub path: PathBuf,
}

/// The file's name in the board's folder.
pub const FILE: &str = "journal.jsonl";

impl Journal {
    /// Opens (or creates) the journal in `dir` for appending.
    pub async fn open(dir: &Path) -> std::io::Result<Journal> {
        tokio::fs::create_dir_all(dir).await?;
        let path = dir.join(FILE);
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .await?;
        // A line torn by a kill must not swallow the next one.
        let torn = tokio::fs::read(&path)
            .await
            .is_ok_and(|b| b.last().is_some_and(|c| *c != b'\n'));
        if torn {
            file.write_all(b"\n").await?;
        }
        Ok(Journal { file, path })
    }

    /// Appends one accepted post; returns once the OS has the line (a
    /// killed board keeps it; a power cut may not, and a workshop can
    /// live with that).
    pub async fn append(&mut self, at: u64, post: &Post) -> std::io::Result<()> {
        let line = line(at, post);
        self.file.write_all(line.as_bytes()).await?;
        self.file.flush().await
    }
}

pub fn line(at: u64, post: &Post) -> String {
    format!("{{\"at\":{at},\"post\":{}}}\n", payload::write(post))
}

/// Every post in the journal at `path`, oldest first, with the number of
/// lines that could not be read.
pub fn read(path: &Path) -> std::io::Result<(Vec<(u64, Post)>, usize)> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
        Err(e) => return Err(e),
    };
    let mut posts = Vec::new();
    let mut bad = 0;
    for l in text.lines().filter(|l| !l.trim().is_empty()) {
        let parsed = json::parse(l).and_then(|doc| {
            let v = View::new(&doc);
            let at = v.get("at").u64()?;
            payload::post_of(v.get("post")).ok().map(|p| (at, p))
        });
        match parsed {
            Some(p) => posts.push(p),
            None => bad += 1,
        }
    }
    Ok((posts, bad))
}

/// The room the journal describes.
pub fn replay(posts: &[(u64, Post)]) -> Room {
    let mut room = Room::default();
    for (at, post) in posts {
        room.apply(post, *at);
    }
    room
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::{ExerciseView, TaskView};
    use checker::model::course;
    use checker::model::results::Status;

    #[tokio::test]
    async fn a_restart_rebuilds_the_same_room_and_skips_a_torn_line() {
        let dir = std::env::temp_dir().join(format!("board-journal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let post = |name: &str, status| Post {
            name: name.into(),
            exercises: vec![ExerciseView {
                exercise: course::EXERCISES[1],
                earned: 0,
                build_error: Some("error[E0382]: use of moved value".into()),
                tasks: vec![TaskView {
                    number: 1,
                    status,
                    earned: 0,
                    tests: Vec::new(),
                }],
            }],
        };
        let mut room = Room::default();
        let mut journal = Journal::open(&dir).await.unwrap();
        for (at, p) in [
            (5, post("ann", Status::Fail)),
            (9, post("bo", Status::Pass)),
        ] {
            room.apply(&p, at);
            journal.append(at, &p).await.unwrap();
        }
        drop(journal);
        // A kill in the middle of a write.
        let torn = line(12, &post("cy", Status::Fail));
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join(FILE))
            .unwrap();
        std::io::Write::write_all(&mut f, &torn.as_bytes()[..torn.len() / 2]).unwrap();
        let (posts, bad) = read(&dir.join(FILE)).unwrap();
        assert_eq!((posts.len(), bad), (2, 1));
        assert_eq!(replay(&posts).attendees, room.attendees);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
