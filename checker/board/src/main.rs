//! `checker-board`: the live workshop board. `cargo run -p checker --
//! board` runs it (building it on first use).

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo run -p checker -- board [--listen ADDR] [--code CODE]
       cargo run -p checker -- board --report FILE.html

The live workshop board: attendees who run the checker with
--share ADDR --code CODE --name NAME appear on its page as they work.

  --listen ADDR     where to listen (default 127.0.0.1:7878, this machine
                    only; for the room: this machine's address, or
                    0.0.0.0:7878 for every network it is on)
  --code CODE       the join code (default: the last one, or a new one)
  --dir DIR         where the journal and code live
                    (default: target/checker/board in the course)
  --report FILE     write the class report of the journal to FILE and stop";

fn main() -> ExitCode {
    let mut listen = format!("127.0.0.1:{}", checker::learner::share::DEFAULT_PORT);
    let mut code = None;
    let mut report = None;
    let mut dir = checker::model::course::Paths::discover()
        .work()
        .join("board");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        let set = match a.as_str() {
            "--listen" => value("--listen").map(|v| listen = v),
            "--code" => value("--code").map(|v| code = Some(v)),
            "--dir" => value("--dir").map(|v| dir = v.into()),
            "--report" => value("--report").map(|v| report = Some(v)),
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => Err(format!("unexpected argument `{other}`")),
        };
        if let Err(why) = set {
            eprintln!("error: {why}\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    if let Some(out) = report {
        let path = dir.join(checker_board::journal::FILE);
        return match checker_board::report::class_report(&path).and_then(|page| {
            std::fs::write(&out, page).map_err(|e| format!("cannot write {out}: {e}"))
        }) {
            Ok(()) => {
                println!(
                    "board: wrote the class report of {} to {out}",
                    path.display()
                );
                ExitCode::SUCCESS
            }
            Err(why) => {
                eprintln!("error: {why}");
                ExitCode::from(2)
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(checker_board::run(checker_board::Config {
        listen,
        code,
        dir,
    })) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::from(2)
        }
    }
}
