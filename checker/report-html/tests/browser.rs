//! The class report opened in a real browser: headless Chromium renders
//! the page, takes a screenshot of the overview and dumps the DOM after
//! the page's script ran. On CI (`CI` set) a missing browser is a failure,
//! since `.ci/run` installs Debian's `chromium`; elsewhere the test says it
//! skipped.

use scraper::{Html, Selector};
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

    // The screenshot: the overview is drawn, not blank.
    let shot = dir.join("overview.png");
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
    let doc = Html::parse_document(&String::from_utf8_lossy(&dom));
    let rows = Selector::parse("#heatmap tbody tr").unwrap();
    assert_eq!(doc.select(&rows).count(), 7, "one row per student");
    let sortable = Selector::parse("#heatmap th[data-sort][tabindex='0']").unwrap();
    assert!(
        doc.select(&sortable).count() >= 27,
        "the sorting script did not run"
    );
    eprintln!("screenshot: {}", shot.display());
}
