//! `checker-report REPORT.json [--output FILE]`: turns a saved
//! `grade --format json` report into the class report page. `grade
//! --format html` runs this binary too.

use std::io::Read;
use std::process::ExitCode;

const USAGE: &str = "usage: checker-report REPORT.json [--output FILE | --output DIR/]\n\
    Reads a `grade --format json` report (`-` for standard input) and writes\n\
    the class report as one HTML file (to standard output without --output),\n\
    or, to DIR/, as DIR/index.html with a page per student it links.";

fn main() -> ExitCode {
    let mut input: Option<String> = None;
    let mut output: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "-o" | "--output" => match args.next() {
                Some(v) => output = Some(v),
                None => return usage("--output needs a file"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ if input.is_none() => input = Some(a),
            _ => return usage(&format!("unexpected argument `{a}`")),
        }
    }
    let Some(input) = input else {
        return usage("missing REPORT.json");
    };
    let text = if input == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s)
    } else {
        std::fs::read_to_string(&input)
    };
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {input}: {e}");
            return ExitCode::from(2);
        }
    };
    // `--output DIR/`: the class page and a page per student.
    if let Some(dir) = output
        .as_deref()
        .filter(|o| o.ends_with('/') || o.ends_with(std::path::MAIN_SEPARATOR))
    {
        return folder(&text, &input, std::path::Path::new(dir));
    }
    let page = match checker_report::render(&text) {
        Ok(p) => p,
        Err(why) => {
            eprintln!("error: {input} is not a grading report: {why}");
            return ExitCode::from(2);
        }
    };
    let written = match &output {
        Some(path) => std::fs::write(path, &page),
        None => {
            use std::io::Write;
            std::io::stdout().write_all(page.as_bytes())
        }
    };
    match written {
        Ok(()) => {
            if let Some(path) = output {
                eprintln!(
                    "wrote the class report to {path} ({} KiB)",
                    page.len() / 1024
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write the report: {e}");
            ExitCode::from(2)
        }
    }
}

fn usage(why: &str) -> ExitCode {
    eprintln!("error: {why}\n{USAGE}");
    ExitCode::from(2)
}

fn folder(text: &str, input: &str, dir: &std::path::Path) -> ExitCode {
    let files = match checker_report::render_folder(text) {
        Ok(f) => f,
        Err(why) => {
            eprintln!("error: {input} is not a grading report: {why}");
            return ExitCode::from(2);
        }
    };
    let written = std::fs::create_dir_all(dir).and_then(|()| {
        files
            .iter()
            .try_for_each(|(name, page)| std::fs::write(dir.join(name), page))
    });
    match written {
        Ok(()) => {
            eprintln!(
                "wrote the class report to {} with a page per student ({} file(s))",
                dir.join("index.html").display(),
                files.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write the report: {e}");
            ExitCode::from(2)
        }
    }
}
