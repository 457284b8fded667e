//! The class report opened in a real browser: headless Chromium renders
//! the page, takes screenshots and dumps the DOM after the page's script
//! ran. A class of 30 on the whole course is measured at a laptop's
//! 1280×800 (every task on screen, no sideways scrolling, the grid first)
//! and at a phone's 390 px (no page-level sideways scrolling, the grid
//! scrolls in its box with the names held). On CI (`CI` set) a missing
//! browser is a failure, since `.ci/run` installs Debian's `chromium`;
//! elsewhere the test says it skipped. Screenshots are kept under
//! `target/tmp/class-report-screens/` to be looked at.

use domtree::Selector;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn browser() -> Option<PathBuf> {
    let candidates = ["chromium", "chromium-browser", "google-chrome"];
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(candidates.iter().map(PathBuf::from))
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
}

/// Runs the browser headless on `page` with `args`; its stdout. Killed
/// after a minute: a browser that hangs must not hang the suite.
fn run(browser: &Path, profile: &Path, page: &Path, args: &[&str]) -> Vec<u8> {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the browser");
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut buf).unwrap();
        buf
    });
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the browser did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().unwrap()
}

#[test]
fn chromium_renders_the_overview_and_runs_the_script() {
    let Some(browser) = browser() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "no chromium on CI: .ci/run installs Debian's `chromium` package"
        );
        eprintln!("skipped: no chromium here (apt-get install chromium)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("class-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let json =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/class.json")).unwrap();
    let page = dir.join("class.html");
    std::fs::write(&page, checker_report::render(&json).unwrap()).unwrap();

    // The screenshot: the overview is drawn, not blank. It is kept with
    // the others, to be looked at; the scratch folder goes when the test
    // passes.
    let shot = shots().join("overview.png");
    run(
        &browser,
        &dir.join("profile-1"),
        &page,
        &[
            "--window-size=1280,1600",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let white = pixels.iter().filter(|p| p[..3] == [255, 255, 255]).count();
    assert!(
        white < pixels.len() * 97 / 100,
        "the screenshot is blank ({white} of {} pixels white)",
        pixels.len()
    );
    // The heatmap's "passed" green (#2e7d32) is on screen.
    let green = pixels
        .iter()
        .filter(|p| p[..3] == [0x2e, 0x7d, 0x32])
        .count();
    assert!(green > 500, "no heatmap colour in the screenshot ({green})");

    // The DOM after scripts ran: one heatmap row per student, and the
    // sorting script made the headings focusable.
    let dom = run(
        &browser,
        &dir.join("profile-2"),
        &page,
        &["--dump-dom", "--virtual-time-budget=2000"],
    );
    let doc = domtree::parse(&String::from_utf8_lossy(&dom));
    let rows = Selector::parse("#heatmap tbody tr").unwrap();
    assert_eq!(doc.select(&rows).count(), 7, "one row per student");
    let sortable = Selector::parse("#heatmap th[data-sort][tabindex='0']").unwrap();
    assert!(
        doc.select(&sortable).count() >= 27,
        "the sorting script did not run"
    );
    eprintln!("screenshot: {}", shot.display());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A class of 30 on every task of the course, with names of every length
/// and every kind of verdict, as a `grade/v1` document.
fn class_of_30() -> String {
    use checker::util::json::{Object, array};
    let first = [
        "Ann",
        "Bo",
        "Carolina",
        "Dmitri",
        "Eve",
        "Fatou",
        "Gustavo",
        "Hiroshi",
        "Ines",
        "Jean-Baptiste",
        "Kai",
        "Lena",
        "Mohammed",
        "Nour",
        "Olusegun",
        "Priya",
    ];
    let last = [
        "Li",
        "Okafor",
        "Schneider-Oberhuber",
        "Nakamura",
        "Silva",
        "Kowalczyk",
        "Ng",
        "Van der Merwe",
    ];
    let statuses = [
        "pass",
        "pass",
        "pass",
        "not_started",
        "fail",
        "deadlock",
        "pass",
        "timeout",
        "panic",
        "pass",
        "blocked",
    ];
    let students: Vec<String> = (0..30usize)
        .map(|i| {
            let name = format!("{} {}", first[i % first.len()], last[(i * 3 + i / 16) % last.len()]);
            let (mut earned, mut max) = (0, 0);
            let exercises: Vec<String> = checker::model::course::EXERCISES
                .iter()
                .enumerate()
                .map(|(e, ex)| {
                    let broken = (i + e) % 13 == 0;
                    let (mut ee, mut em) = (0, 0);
                    let tasks: Vec<String> = ex
                        .tasks
                        .iter()
                        .enumerate()
                        .map(|(t, task)| {
                            let status = if broken {
                                "compile_error"
                            } else if e * 2 > i % 17 + 6 {
                                "not_started"
                            } else {
                                statuses[(i * 7 + e * 5 + t * 3) % statuses.len()]
                            };
                            let got = if status == "pass" { task.points } else { 0 };
                            ee += got;
                            em += task.points;
                            Object::new()
                                .int("task", task.number.into())
                                .str("item", task.item)
                                .str("title", task.title)
                                .int("points", task.points.into())
                                .int("earned", got.into())
                                .str("status", status)
                                .raw("tests", "[]")
                                .finish()
                        })
                        .collect();
                    earned += ee;
                    max += em;
                    Object::new()
                        .str("exercise", ex.dir)
                        .str("title", ex.title)
                        .int("earned", ee.into())
                        .int("max", em.into())
                        .raw_or_null(
                            "compile_error",
                            broken.then_some(r#"{"message":"error[E0308]: mismatched types","location":"src/lib.rs:3:5"}"#),
                        )
                        .raw("tasks", &array(tasks))
                        .finish()
                })
                .collect();
            Object::new()
                .str("name", &name)
                .int("earned", earned.into())
                .int("max", max.into())
                .raw("exercises", &array(exercises))
                .raw("review", "[]")
                .raw("notes", "[]")
                .finish()
        })
        .collect();
    Object::new()
        .str("schema", "tokio-channels-course/grade/v1")
        .raw(
            "meta",
            r#"{"course_commit":"0123456789abcdef0123456789abcdef01234567","checker_version":"0.1.0","graded_at":"2026-11-26T23:40:10Z","command":"checker grade <30 submission folder(s)> --partition 1/4 --report json=shard-1.json --report html=class.html --report csv=gradebook.csv","timeout_s":30.0,"jobs":2,"containment":"unsandboxed: test processes run with the grader's rights"}"#,
        )
        .num("seconds", 61.0)
        .raw("submissions", &array(students))
        .finish()
}

/// Measurements the page cannot take of itself: a copy of the page with a
/// script that writes them into the DOM, read back from `--dump-dom`.
const MEASURE: &str = r#"<script>
(function () {
  var box = document.querySelector('.grid');
  var table = document.getElementById('heatmap');
  var rows = table.tBodies[0].rows;
  var lastRow = rows[rows.length - 1];
  var lastCell = lastRow.cells[lastRow.cells.length - 1];
  var name = rows[0].cells[0];
  var before = name.getBoundingClientRect().left;
  var boxLeft = box.getBoundingClientRect().left;
  var m = {
    viewport: document.documentElement.clientWidth,
    pageScrollWidth: document.documentElement.scrollWidth,
    gridClient: box.clientWidth,
    gridScroll: box.scrollWidth,
    gridTop: table.getBoundingClientRect().top,
    gridBottom: table.tFoot.getBoundingClientRect().bottom,
    lastCellRight: lastCell.getBoundingClientRect().right,
    nameLeft: before - boxLeft
  };
  box.scrollLeft = 400;
  m.scrolled = box.scrollLeft;
  m.nameLeftScrolled = name.getBoundingClientRect().left - boxLeft;
  m.firstTaskLeftScrolled = rows[0].cells[2].getBoundingClientRect().left - boxLeft;
  // In a phone-sized frame, the result goes to the page around it, the
  // one the browser dumps.
  var out = window.parent.document;
  var pre = out.createElement('pre');
  pre.id = 'measured';
  pre.textContent = JSON.stringify(m);
  out.body.appendChild(pre);
})();
</script></body>"#;

/// A page that shows `html` in a frame `width` px wide: headless Chromium
/// will not make a window narrower than 500 px, a frame is a viewport of
/// its own (media queries read its width), and a `srcdoc` frame shares the
/// page's origin, so a script can report from inside it.
fn framed(html: &str, width: u32, height: u32) -> String {
    let doc = html.replace('&', "&amp;").replace('"', "&quot;");
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{{margin:0}} iframe{{border:0;display:block}}</style></head><body><iframe width="{width}" height="{height}" srcdoc="{doc}"></iframe></body></html>"#
    )
}

/// `page` as a phone of `width` × `height` shows it.
fn phone(page: &Path, width: u32, height: u32, measuring: bool) -> PathBuf {
    let mut html = std::fs::read_to_string(page).unwrap();
    if measuring {
        html = html.replacen("</body>", MEASURE, 1);
    }
    let out = page.with_file_name(format!("phone-{width}x{height}-{measuring}.html"));
    std::fs::write(&out, framed(&html, width, height)).unwrap();
    out
}

fn measure(browser: &Path, dir: &Path, page: &Path, size: &str, tag: &str) -> serde_like::Map {
    let html = std::fs::read_to_string(page).unwrap();
    let probe = dir.join(format!("measure-{tag}.html"));
    if page
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("phone-")
    {
        std::fs::copy(page, &probe).unwrap();
    } else {
        std::fs::write(&probe, html.replacen("</body>", MEASURE, 1)).unwrap();
    }
    let dom = run(
        browser,
        &dir.join(format!("profile-m-{tag}")),
        &probe,
        &[
            &format!("--window-size={size}"),
            "--dump-dom",
            "--virtual-time-budget=2000",
        ],
    );
    let doc = domtree::parse(&String::from_utf8_lossy(&dom));
    let text: String = doc
        .select(&Selector::parse("#measured").unwrap())
        .next()
        .expect("the measuring script ran")
        .text_content();
    serde_like::parse(&text)
}

/// A flat JSON object of numbers, read without a JSON crate.
mod serde_like {
    pub type Map = std::collections::BTreeMap<String, f64>;
    pub fn parse(text: &str) -> Map {
        text.trim_matches(|c| c == '{' || c == '}')
            .split(',')
            .map(|kv| {
                let (k, v) = kv.split_once(':').unwrap();
                (k.trim_matches('"').to_string(), v.parse().unwrap())
            })
            .collect()
    }
}

/// Where screenshots stay after a run, to be looked at.
fn shots() -> PathBuf {
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("class-report-screens");
    std::fs::create_dir_all(&shots).unwrap();
    shots
}

fn screenshot(browser: &Path, dir: &Path, page: &Path, size: &str, name: &str) -> PathBuf {
    let shot = shots().join(name);
    let _ = std::fs::remove_file(&shot);
    run(
        browser,
        &dir.join(format!("profile-s-{name}")),
        page,
        &[
            &format!("--window-size={size}"),
            &format!("--screenshot={}", shot.display()),
        ],
    );
    assert!(shot.is_file(), "no screenshot at {}", shot.display());
    eprintln!("screenshot: {}", shot.display());
    shot
}

#[test]
fn the_whole_class_fits_a_laptop_screen_and_a_phone_reads_it() {
    let Some(browser) = browser() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "no chromium on CI: .ci/run installs Debian's `chromium` package"
        );
        eprintln!("skipped: no chromium here (apt-get install chromium)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("class-report-30-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let json = class_of_30();
    let class = checker_report::class::read(&json).unwrap();
    // Every task of the course, however many it has.
    let tasks: usize = checker::model::course::EXERCISES
        .iter()
        .map(|e| e.tasks.len())
        .sum();
    assert_eq!(checker_report::columns::columns(&class).len(), tasks);
    let page = dir.join("class.html");
    std::fs::write(&page, checker_report::render(&json).unwrap()).unwrap();

    // A laptop: every task of every student on the first screen.
    let m = measure(&browser, &dir, &page, "1280,800", "laptop");
    eprintln!("1280x800: {m:?}");
    assert!(
        m["pageScrollWidth"] <= m["viewport"],
        "the page scrolls sideways: {m:?}"
    );
    assert!(
        m["gridScroll"] <= m["gridClient"],
        "the grid scrolls sideways: {m:?}"
    );
    // Room for a 17 px scrollbar, which headless Chromium hides.
    assert!(m["lastCellRight"] <= 1280.0 - 17.0, "{m:?}");
    assert!(
        m["gridTop"] < 100.0,
        "the grid is not first on the page: {m:?}"
    );
    assert!(
        m["gridBottom"] <= 800.0,
        "the grid does not fit the first screen: {m:?}"
    );
    screenshot(&browser, &dir, &page, "1280,800", "class-30-1280x800.png");

    // A phone: nothing scrolls the page sideways; the grid scrolls in its
    // box and the names stay where they are.
    let m = measure(
        &browser,
        &dir,
        &phone(&page, 390, 844, true),
        "500,844",
        "phone",
    );
    eprintln!("390x844: {m:?}");
    assert!(
        m["pageScrollWidth"] <= m["viewport"],
        "the page scrolls sideways on a phone: {m:?}"
    );
    assert!(m["gridScroll"] > m["gridClient"], "{m:?}");
    assert!(m["scrolled"] > 0.0, "{m:?}");
    assert_eq!(
        m["nameLeftScrolled"], m["nameLeft"],
        "the names column scrolled away: {m:?}"
    );
    assert!(m["firstTaskLeftScrolled"] < 0.0, "{m:?}");
    assert_eq!(m["viewport"], 390.0, "{m:?}");
    screenshot(
        &browser,
        &dir,
        &phone(&page, 390, 844, false),
        "500,844",
        "class-30-390.png",
    );
    // The sections below the grid, as a phone shows them.
    for (id, name) in [
        ("hardest", "class-30-390-hardest.png"),
        ("mistakes", "class-30-390-mistakes.png"),
        ("about", "class-30-390-about.png"),
    ] {
        let html = std::fs::read_to_string(&page).unwrap().replacen(
            "</body>",
            &format!("<script>document.getElementById('{id}').scrollIntoView();</script></body>"),
            1,
        );
        let at = dir.join(format!("at-{id}.html"));
        std::fs::write(&at, html).unwrap();
        screenshot(
            &browser,
            &dir,
            &phone(&at, 390, 844, false),
            "500,844",
            name,
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
