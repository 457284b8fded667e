//! The terminal while `watch` runs: keys one at a time (raw mode), an
//! alternate screen redrawn in place, and the terminal given back exactly
//! as it was however watch ends: `q`, a panic, SIGTERM or SIGHUP.
//!
//! crossterm does the terminal work on Linux, macOS and Windows alike. A
//! plain reader of stdin bytes stands in when stdin is not a terminal, so
//! `q` followed by Enter still quits from a pipe.

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{cursor, execute, terminal};
use std::io::{IsTerminal, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;

/// What the learner (or the system) asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Quit,
    /// Switch between the short screen and the details (diff, timelines).
    Details,
    /// Check the shown exercise again, even though nothing changed.
    Recheck,
    Up,
    Down,
    PageUp,
    PageDown,
    /// The terminal changed size.
    Redraw,
}

/// Whether raw mode and the alternate screen are on, for the restorers
/// that run outside the guard's `Drop` (panic hook, signal thread).
static TAKEN: AtomicBool = AtomicBool::new(false);

/// Gives the terminal back: main screen, cursor shown, keys echoed and
/// line-buffered again. Safe to call more than once and from any thread.
pub fn restore() {
    if TAKEN.swap(false, Ordering::SeqCst) {
        let _ = execute!(
            std::io::stdout(),
            cursor::Show,
            terminal::LeaveAlternateScreen
        );
        let _ = terminal::disable_raw_mode();
    }
}

/// Holds the terminal for the screen; gives it back when dropped.
pub struct Guard {
    pub screen: bool,
}

impl Guard {
    /// Takes the terminal when stdin and stdout are both one (and it
    /// understands escape sequences), starts the key reader, and arranges
    /// for SIGTERM, SIGHUP and SIGINT to end the loop like `q` does.
    pub fn start<T: From<Key> + Send + 'static>(tx: Sender<T>) -> Guard {
        let screen = std::io::stdout().is_terminal()
            && std::io::stdin().is_terminal()
            && !checker::util::style::dumb_terminal()
            && take();
        install_panic_hook();
        on_signals(tx.clone());
        if screen {
            std::thread::spawn(move || read_events(tx));
        } else {
            std::thread::spawn(move || read_bytes(tx));
        }
        Guard { screen }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

fn take() -> bool {
    if terminal::enable_raw_mode().is_err() {
        return false;
    }
    TAKEN.store(true, Ordering::SeqCst);
    if execute!(
        std::io::stdout(),
        terminal::EnterAlternateScreen,
        cursor::Hide
    )
    .is_err()
    {
        restore();
        return false;
    }
    true
}

/// A panic message printed in raw mode on the alternate screen would be
/// lost: give the terminal back first.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

#[cfg(unix)]
fn on_signals<T: From<Key> + Send + 'static>(tx: Sender<T>) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT]) else {
        return;
    };
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            // The main loop cancels the check, restores the terminal and
            // exits; if it cannot (it is gone), at least the terminal
            // comes back.
            if tx.send(Key::Quit.into()).is_err() {
                restore();
            }
        }
    });
}

#[cfg(not(unix))]
fn on_signals<T: From<Key> + Send + 'static>(_tx: Sender<T>) {
    // Windows delivers Ctrl-C as a key in raw mode, and closing the
    // console window ends the process without a signal to catch.
}

/// Keys from the terminal, one at a time.
fn read_events<T: From<Key>>(tx: Sender<T>) {
    loop {
        let key = match event::read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => key_of(k),
            Ok(Event::Resize(..)) => Some(Key::Redraw),
            Ok(_) => None,
            Err(_) => return,
        };
        if let Some(key) = key
            && tx.send(key.into()).is_err()
        {
            return;
        }
    }
}

fn key_of(k: KeyEvent) -> Option<Key> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    Some(match k.code {
        KeyCode::Char('c' | 'd') if ctrl => Key::Quit,
        KeyCode::Char('q' | 'Q') | KeyCode::Esc => Key::Quit,
        KeyCode::Char('d' | 'D') | KeyCode::Enter | KeyCode::Tab => Key::Details,
        KeyCode::Char('r' | 'R') => Key::Recheck,
        KeyCode::Up | KeyCode::Char('k') => Key::Up,
        KeyCode::Down | KeyCode::Char('j') => Key::Down,
        KeyCode::PageUp | KeyCode::Char('b') => Key::PageUp,
        KeyCode::PageDown | KeyCode::Char(' ') => Key::PageDown,
        _ => return None,
    })
}

/// Bytes from a stdin that is not a terminal: `q` (or Ctrl-C, Ctrl-D as
/// bytes) quits; end of input leaves watch running, since a closed stdin
/// (`docker exec` without `-i`) is not a request to stop.
fn read_bytes<T: From<Key>>(tx: Sender<T>) {
    let mut stdin = std::io::stdin().lock();
    let mut byte = [0u8; 1];
    while let Ok(1) = stdin.read(&mut byte) {
        let key = match byte[0] {
            b'q' | b'Q' | 3 | 4 => Key::Quit,
            b'd' | b'D' => Key::Details,
            b'r' | b'R' => Key::Recheck,
            _ => continue,
        };
        if tx.send(key.into()).is_err() || key == Key::Quit {
            return;
        }
    }
}

/// Columns and rows of the terminal, if there is one.
pub fn size() -> Option<(usize, usize)> {
    terminal::size()
        .ok()
        .filter(|(c, r)| *c > 0 && *r > 0)
        .map(|(c, r)| (c as usize, r as usize))
}

/// Draws `lines` from the top of the screen, each cleared to its end and
/// the rest of the screen cleared below: no flicker, no scrollback.
pub fn draw(lines: &[String]) {
    use crossterm::queue;
    use crossterm::style::Print;
    use crossterm::terminal::{Clear, ClearType};
    let mut out = std::io::stdout().lock();
    for (row, line) in lines.iter().enumerate() {
        let _ = queue!(
            out,
            cursor::MoveTo(0, row as u16),
            Print(line),
            Clear(ClearType::UntilNewLine)
        );
    }
    // Below the last line, if there is room: on a full screen the move
    // would stop on the last row and the clearing erase it.
    let rows = size().map_or(usize::MAX, |(_, rows)| rows);
    if lines.len() < rows {
        let _ = queue!(
            out,
            cursor::MoveTo(0, lines.len() as u16),
            Clear(ClearType::FromCursorDown)
        );
    }
    let _ = out.flush();
}
