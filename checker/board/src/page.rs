//! The board's page: one HTML document, readable as it is served (reload
//! for news, or let `<noscript>` reload it), made live by twenty lines of
//! script that swap in the `#board` part each server-sent event carries.
//!
//! Verdicts look as they do in the class report (`checker_report::verdict`:
//! a colour and a letter each). Every attendee-supplied string goes
//! through `checker_report::html::esc`, and the script never uses
//! `innerHTML`: it parses the server's (escaped) fragment with
//! `DOMParser`, which runs no script, and swaps the element.

use crate::room::{Room, TaskId};
use checker::model::course;
use checker_report::html::esc;
use checker_report::verdict::{all, look};
use std::fmt::Write;

/// What the page header says; fixed for a board's life.
pub struct Header {
    /// The address attendees give to `--share`.
    pub address: String,
    pub code: String,
}

/// The whole page, with the board as of `board` (a [`fragment`]).
pub fn page(header: &Header, board: &str) -> String {
    let mut css = String::from(STYLE);
    for l in all() {
        let _ = write!(
            css,
            ".v-{}{{background:{};color:{}}}",
            l.key, l.background, l.foreground
        );
    }
    let legend: String = all()
        .iter()
        .map(|l| {
            format!(
                "<span class=\"v-{}\">{}</span> {} ",
                l.key,
                esc(l.letter),
                esc(l.label)
            )
        })
        .collect();
    let join = format!(
        "cargo run -p checker -- watch --share {} --code {} --name \"Your name\"",
        header.address, header.code
    );
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>Workshop board</title>\
         <noscript><meta http-equiv=\"refresh\" content=\"10\"></noscript>\
         <style>{css}</style></head>\n<body data-code=\"{code}\" data-updates=\"0\">\
         <header><h1>Workshop board <small id=\"live\">(reload for news)</small></h1>\
         <p>To join: <code>{join}</code></p>\
         <p class=\"note\">What attendees share: their name, and for each check the \
         verdict of every task with each test's name and message, and the first line of a \
         compile error. Never their code, never their files' paths, never their \
         environment. Sharing stops when they run the checker without <code>--share</code>.</p>\
         <p class=\"legend\">{legend}</p></header>\n{board}\n<script>{SCRIPT}</script></body></html>\n",
        code = esc(&header.code),
        join = esc(&join),
    )
}

/// The live part of the page as of `now` (ms since epoch).
pub fn fragment(room: &Room, now: u64, refused: u64, version: u64) -> String {
    let mut out = format!("<main id=\"board\" data-version=\"{version}\">");
    let people = room.attendees.len();
    let _ = write!(
        out,
        "<p class=\"meta\">{people} attendee{} · {} request{} refused</p>",
        if people == 1 { "" } else { "s" },
        refused,
        if refused == 1 { "" } else { "s" },
    );
    crowded(&mut out, room, now);
    grid(&mut out, room, now);
    explanations(&mut out, room);
    out.push_str("</main>");
    out
}

fn task_name((dir, number): TaskId) -> String {
    let e = course::find(dir).expect("tasks come from the course");
    let title = e.task(number).map_or("", |t| t.title);
    format!("{} task {number}: {title}", e.number())
}

/// "Where the room is": the busiest tasks; those with more than half the
/// room on them stand out.
fn crowded(out: &mut String, room: &Room, now: u64) {
    out.push_str("<section><h2>Where the room is</h2>");
    let list = room.crowded(now);
    if list.is_empty() {
        out.push_str("<p>No attendee has shared a check yet.</p></section>");
        return;
    }
    out.push_str("<ol id=\"crowded\">");
    let people = room.attendees.len();
    for (task, n, longest) in list.iter().take(6) {
        let most = if n * 2 > people {
            " class=\"most\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<li{most}><b>{}</b>: {n} of {people} (the longest for {})</li>",
            esc(&task_name(*task)),
            duration(*longest)
        );
    }
    out.push_str("</ol></section>");
}

fn grid(out: &mut String, room: &Room, now: u64) {
    let columns = Room::columns();
    out.push_str(
        "<section><h2>Attendees × tasks</h2><div class=\"scroll\"><table id=\"grid\">\
         <thead><tr><th rowspan=\"2\">attendee</th><th rowspan=\"2\">on</th>\
         <th rowspan=\"2\">for</th>",
    );
    for e in course::EXERCISES {
        let _ = write!(
            out,
            "<th colspan=\"{}\" title=\"{}\">{}</th>",
            e.tasks.len(),
            esc(e.title),
            e.number()
        );
    }
    out.push_str("</tr><tr>");
    for (_, (_, n)) in &columns {
        let _ = write!(out, "<th>{n}</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for a in room.attendees.values() {
        let (on, since) = match a.current {
            Some(((dir, n), since)) => (
                format!("{} t{n}", course::find(dir).map_or("", |e| e.number())),
                duration(now.saturating_sub(since)),
            ),
            None => ("done".to_string(), String::new()),
        };
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{on}</td><td>{since}</td>",
            esc(&a.name)
        );
        for (_, task) in &columns {
            match a.status(*task) {
                Some(s) => {
                    let l = look(s.key());
                    let why = a.explanation(*task).unwrap_or("");
                    let _ = write!(
                        out,
                        "<td class=\"v-{}\" title=\"{}: {}{}{}\">{}</td>",
                        l.key,
                        esc(&task_name(*task)),
                        esc(l.label),
                        if why.is_empty() { "" } else { " — " },
                        esc(why),
                        esc(l.letter)
                    );
                }
                None => out.push_str("<td class=\"none\"></td>"),
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div></section>");
}

fn explanations(out: &mut String, room: &Room) {
    out.push_str("<section><h2>Most common explanation now</h2>");
    let rows: Vec<(TaskId, (String, usize, usize))> = Room::columns()
        .into_iter()
        .filter_map(|(_, t)| room.common_explanation(t).map(|x| (t, x)))
        .collect();
    if rows.is_empty() {
        out.push_str("<p>No task is failing right now.</p></section>");
        return;
    }
    out.push_str(
        "<table id=\"explanations\"><thead><tr><th>task</th><th>failing</th>\
         <th>most common explanation</th></tr></thead><tbody>",
    );
    for (task, (text, n, failing)) in rows {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{failing}</td><td>{} <small>({n} of them)</small></td></tr>",
            esc(&task_name(task)),
            esc(&text)
        );
    }
    out.push_str("</tbody></table></section>");
}

/// "45 s", "12 min", "1 h 05".
pub fn duration(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        _ => format!("{} h {:02}", s / 3600, s / 60 % 60),
    }
}

/// The page a visitor without the join code sees.
pub fn ask_for_code(wrong: bool) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Workshop board</title><style>{STYLE}</style></head><body><h1>Workshop board</h1>\
         {}<form method=\"get\" action=\"/\"><label>Join code <input name=\"code\" \
         autocomplete=\"off\" maxlength=\"16\"></label> <button>Open</button></form></body></html>\n",
        if wrong {
            "<p class=\"most\">That is not this board's join code.</p>"
        } else {
            ""
        }
    )
}

const STYLE: &str = "body{font:15px/1.4 system-ui,sans-serif;margin:1em;color:#212121}\
h1{font-size:1.4em;margin:.2em 0}h1 small{font-weight:normal;font-size:.6em;color:#616161}\
h2{font-size:1.1em;margin:1em 0 .3em}code{background:#f5f5f5;padding:0 .3em;overflow-wrap:anywhere}\
.note,.meta{color:#424242;max-width:60em}.legend span{display:inline-block;min-width:1.4em;\
text-align:center;border-radius:3px}.most{color:#b71c1c;font-weight:bold}.scroll{overflow-x:auto}\
table{border-collapse:collapse}th,td{padding:.15em .35em;border:1px solid #fff;white-space:nowrap}\
#grid td[class^=v-]{text-align:center;min-width:1.2em}#grid td.none{background:#fafafa}\
#grid tbody th{text-align:left;max-width:14em;overflow:hidden;text-overflow:ellipsis}\
#explanations td{white-space:normal;border-bottom:1px solid #e0e0e0;vertical-align:top}";

/// Swaps in each `board` event's fragment; counts the updates on `<body>`
/// (for the browser test, and for anyone curious). `replaceWith` of a
/// node `DOMParser` made runs no script and keeps the escaping.
const SCRIPT: &str = r#"(function(){
var live=document.getElementById('live');
if(!window.EventSource||!window.DOMParser){return;}
var code=document.body.getAttribute('data-code');
var es=new EventSource('/events?code='+encodeURIComponent(code));
es.addEventListener('board',function(e){
var doc=new DOMParser().parseFromString(e.data,'text/html');
var fresh=doc.getElementById('board');var old=document.getElementById('board');
if(fresh&&old){old.replaceWith(document.adoptNode(fresh));}
var n=Number(document.body.getAttribute('data-updates'))+1;
document.body.setAttribute('data-updates',String(n));
live.textContent='(live)';
});
es.onerror=function(){live.textContent='(reconnecting…)';};
})();"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::{ExerciseView, Post, TaskView, TestView};
    use checker::model::results::Status;

    #[test]
    fn names_and_messages_from_attendees_stay_text() {
        let mut room = Room::default();
        let post = Post {
            name: "<script>alert(1)</script>".into(),
            exercises: vec![ExerciseView {
                exercise: course::EXERCISES[0],
                earned: 0,
                build_error: None,
                tasks: vec![TaskView {
                    number: 1,
                    status: Status::Fail,
                    earned: 0,
                    tests: vec![TestView {
                        name: "t".into(),
                        status: Status::Fail,
                        message: "\"><img src=x onerror=alert(2)>".into(),
                    }],
                }],
            }],
        };
        room.apply(&post, 0);
        let html = page(
            &Header {
                address: "127.0.0.1:7878".into(),
                code: "ABC".into(),
            },
            &fragment(&room, 65_000, 0, 1),
        );
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("1 min"));
    }

    #[test]
    fn durations_read_at_a_glance() {
        assert_eq!(duration(45_000), "45 s");
        assert_eq!(duration(12 * 60_000), "12 min");
        assert_eq!(duration(65 * 60_000), "1 h 05");
    }
}
