//! Command-line front end: parses arguments and calls the engine and a
//! reporter. Exit status: 0 when everything checked passes, 1 when a task
//! fails, 2 on a usage or environment error.

use crate::build::shadow::Target;
use crate::instructor::verify;
use crate::learner::share::Share;
use crate::model::course::{self, Exercise, Paths};
use crate::report;
use crate::run::engine;
use crate::run::options::Options;
use crate::util::exit::CliResult;
use crate::util::style::Style;
use parse::{Command, Global, Source, USAGE, parse, usage_error};

mod parse;
use std::path::PathBuf;

/// The `watch` command, provided by the `checker-watch` binary: with
/// `--poll`, and where to share each check's verdicts.
pub type WatchFn = fn(&Paths, &Options, bool, Option<&Share>, Style) -> CliResult;

pub fn main() -> i32 {
    main_with(None)
}

/// The command line, with `watch` run by `watch` when given, and handed to
/// the `checker-watch` binary otherwise.
pub fn main_with(watch: Option<WatchFn>) -> i32 {
    let mut opts = Options::default();
    let mut global = Global { course: None };
    crate::util::pipe::exit_quietly_on_closed_stdout();
    // The board reads its own options: they are the instructor's, and
    // the checker need not know them to hand them over.
    if std::env::args_os().nth(1).is_some_and(|a| a == "board") {
        return delegate_board(&Paths::discover()).unwrap_or_else(|e| {
            eprintln!("error: {e}");
            2
        });
    }
    let command = match parse(&mut opts, &mut global) {
        Ok(c) => c,
        Err(e) => {
            eprint!("{}", usage_error(&e, Style::detect_stderr()));
            return 2;
        }
    };
    let paths = match course_paths(global) {
        Ok(paths) => paths,
        Err(message) => {
            error(&message);
            return 2;
        }
    };
    dispatch(command, &paths, &opts, watch).unwrap_or_else(|e| {
        error(&e.to_string());
        2
    })
}

/// An error on stderr, wrapped to the width like every message.
fn error(message: &str) {
    let width = Style::detect_stderr().width;
    for l in format!("error: {message}").lines() {
        for row in crate::util::layout::wrap_line(l, width, 2) {
            eprintln!("{row}");
        }
    }
}

/// This course, or the learner's copy that `--course` names.
fn course_paths(global: Global) -> Result<Paths, String> {
    let mut paths = Paths::discover();
    if let Some(dir) = global.course {
        match std::path::absolute(&dir) {
            Ok(dir) if dir.join("exercises").is_dir() => paths.learner = dir,
            _ => {
                return Err(format!(
                    "{} is not a copy of the course (no exercises/ folder)",
                    dir.display()
                ));
            }
        }
    }
    Ok(paths)
}

/// Runs one parsed command.
fn dispatch(command: Command, paths: &Paths, opts: &Options, watch: Option<WatchFn>) -> CliResult {
    let style = Style::detect();
    if uses_learner_state(&command) {
        crate::learner::guard::allow_learner_state(paths)?;
    }
    match command {
        Command::Help(None) => {
            print!("{}", crate::util::layout::reflow(USAGE, style.width) + "\n");
            Ok(0)
        }
        Command::Help(Some(name)) => {
            let spec = crate::learner::usage::spec(name).expect("parse checked the name");
            print!("{}", crate::learner::usage::command_help(spec, style.width));
            Ok(0)
        }
        Command::Check {
            exercise,
            json,
            source,
            share,
        } => check(paths, exercise, (json, share), source, opts, style),
        Command::Hint {
            exercise,
            task,
            all,
        } => exercise_arg(&exercise)
            .map_err(Into::into)
            .and_then(|e| crate::learner::learn::hint(paths, e, task, all, style)),
        Command::Verify { exercises, runs } => verify_cmd(paths, &exercises, runs, opts, style),
        Command::Bless { exercise } => bless(paths, &exercise, opts),
        // The token-level screening lives in `checker-grade`.
        Command::Grade { .. } if !crate::instructor::grade::installed() => delegate_grade(paths),
        Command::Grade {
            submissions,
            exercises,
            format,
            output,
            reports,
            partition,
        } => grade_cmd(
            paths,
            &submissions,
            (&exercises, partition),
            (&format, output),
            &reports,
            opts,
        ),
        Command::Merge {
            shards,
            format,
            output,
            reports,
        } => merge_cmd(paths, &shards, (&format, output), &reports),
        Command::Export { to } => export(paths, &to),
        Command::Offline { to, student } => offline(paths, &to, student),
        Command::List => crate::learner::learn::list(paths, opts, style),
        Command::Bench {
            cold_runs,
            runs,
            batch,
        } => crate::instructor::bench::bench(
            paths,
            &crate::instructor::bench::Settings {
                cold_runs,
                runs,
                batch,
            },
        ),
        Command::Watch { poll, share } => match watch {
            Some(run) => run(paths, opts, poll, share.as_ref(), style),
            None => delegate_watch(paths),
        },
        Command::Timeline { exercise, task } => exercise_arg(&exercise)
            .map_err(Into::into)
            .and_then(|e| crate::learner::learn::timeline(paths, e, task, opts, style)),
        Command::Reset { exercise, yes } => exercise_arg(&exercise)
            .map_err(Into::into)
            .and_then(|e| crate::learner::learn::reset(paths, e, yes, style)),
        Command::Solution { exercise, force } => exercise_arg(&exercise)
            .map_err(Into::into)
            .and_then(|e| crate::learner::learn::solution(paths, e, force, opts, style)),
    }
}

/// The commands that read or write the learner's progress or work.
fn uses_learner_state(command: &Command) -> bool {
    matches!(
        command,
        Command::Check {
            source: Source::Learner,
            ..
        } | Command::Hint { .. }
            | Command::List
            | Command::Watch { .. }
            | Command::Timeline { .. }
            | Command::Reset { .. }
            | Command::Solution { .. }
    )
}

pub fn exercise_arg(name: &str) -> Result<&'static Exercise, String> {
    course::find(name).ok_or_else(|| {
        let known: Vec<&str> = course::EXERCISES.iter().map(|e| e.dir).collect();
        format!(
            "no exercise `{name}`; the exercises are: {}",
            known.join(", ")
        )
    })
}

fn check(
    paths: &Paths,
    exercise: Option<String>,
    (json, share): (bool, Option<Share>),
    source: Source,
    opts: &Options,
    style: Style,
) -> CliResult {
    // Run from inside an exercise's folder, `check` means that exercise.
    let here = match (&exercise, &source) {
        (None, Source::Learner) => exercise_here(paths),
        _ => None,
    };
    let exercises: Vec<&'static Exercise> = match (&exercise, here) {
        (Some(name), _) if name == "all" => course::EXERCISES.to_vec(),
        (Some(name), _) => vec![exercise_arg(name)?],
        (None, Some(e)) => vec![e],
        (None, None) => course::EXERCISES.to_vec(),
    };
    let learner_slot = paths.learner_slot();
    let each = |slot: &str, dir: fn(&Paths, &Exercise) -> PathBuf| -> Vec<Target> {
        exercises
            .iter()
            .map(|e| Target {
                exercise: e,
                slot: slot.to_string(),
                source: dir(paths, e),
            })
            .collect()
    };
    let targets: Vec<Target> = match source {
        Source::Dir(dir) => {
            let [e] = exercises.as_slice() else {
                return Err("--source needs exactly one EXERCISE".into());
            };
            let dir = std::path::absolute(&dir)?;
            if !dir.join("src/lib.rs").is_file() {
                return Err(format!("{} has no src/lib.rs", dir.display()).into());
            }
            vec![Target {
                exercise: e,
                slot: source_slot(&dir),
                source: dir,
            }]
        }
        Source::Learner => each(&learner_slot, Paths::exercise),
        Source::Stubs => each("stub", Paths::stub),
        Source::Solutions => each("solution", Paths::solution),
    };
    crate::learner::learn::announce_wait(paths);
    let results = if json {
        engine::run(paths, &targets, opts)?
    } else {
        // Each exercise's table as soon as its verdict is in: on a first
        // run, the exercise the learner is on comes first, while the rest
        // of the course still builds.
        engine::run_streaming(paths, &targets, opts, &mut |_, r| {
            use std::io::Write;
            print!("{}", report::terminal::render_exercise(paths, r, style));
            let _ = std::io::stdout().flush();
        })?
    };
    if json {
        print!("{}", report::json::render(&results));
    } else {
        print!(
            "{}",
            report::terminal::render_footer(paths, &results, style)
        );
        if let Some(e) = here {
            let note = format!(
                "Checked exercise {} only, the folder you are in. Every exercise: `{}`",
                e.number(),
                paths.command("check all")
            );
            println!(
                "\n{}",
                style.dim(&crate::util::layout::wrap(&note, 0, style.width))
            );
        }
    }
    // The verdict is on screen first; the board may take a moment.
    if let Some(share) = share {
        use std::io::Write;
        let _ = std::io::stdout().flush();
        if let Some(notice) = share.start(paths, &results).wait() {
            eprintln!("{notice}");
        }
    }
    Ok(if results.iter().all(|r| r.passed()) {
        0
    } else {
        1
    })
}

/// The exercise whose folder (or a folder below it) the command runs in,
/// if it runs inside the learner's copy of one.
fn exercise_here(paths: &Paths) -> Option<&'static Exercise> {
    let here = std::env::current_dir().ok()?;
    let course = std::fs::canonicalize(&paths.learner).unwrap_or(paths.learner.clone());
    let mut parts = here.strip_prefix(&course).ok()?.components();
    if parts.next()?.as_os_str() != "exercises" {
        return None;
    }
    let dir = parts.next()?.as_os_str().to_str()?;
    course::EXERCISES.iter().copied().find(|e| e.dir == dir)
}

/// A slot name for an arbitrary folder: readable, and distinct for
/// distinct folders so that two sources never share build artefacts.
fn source_slot(dir: &std::path::Path) -> String {
    let name: String = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(24)
        .collect();
    format!("x-{name}-{}", crate::util::files::path_tag(dir))
}

fn verify_cmd(
    paths: &Paths,
    names: &[String],
    runs: usize,
    opts: &Options,
    style: Style,
) -> CliResult {
    let exercises: Vec<&'static Exercise> = if names.is_empty() {
        course::EXERCISES.to_vec()
    } else {
        names
            .iter()
            .map(|n| exercise_arg(n))
            .collect::<Result<_, _>>()?
    };
    let findings = verify::verify(paths, &exercises, runs, opts, style)?;
    print!("{}", findings.report);
    if findings.problems.is_empty() {
        println!("{}", style.green("verify: the course is sound."));
        Ok(0)
    } else {
        println!("\n{} problem(s):", findings.problems.len());
        for p in &findings.problems {
            println!("  {} {p}", style.red("✗"));
        }
        Ok(1)
    }
}

fn bless(paths: &Paths, exercise: &str, opts: &Options) -> CliResult {
    let e = exercise_arg(exercise)?;
    let target = Target {
        exercise: e,
        slot: "solution".to_string(),
        source: paths.solution(e),
    };
    let opts = Options {
        bless: true,
        ..opts.clone()
    };
    let results = engine::run(paths, &[target], &opts)?;
    print!(
        "{}",
        report::terminal::render(paths, &results, Style::plain())
    );
    println!(
        "snapshots of {} recorded from the solution in {}",
        e.dir,
        paths.display(&paths.hidden(e).join("snapshots"))
    );
    Ok(0)
}

fn grade_cmd(
    paths: &Paths,
    submissions: &[PathBuf],
    (only, partition): (&[String], Option<(u64, u64)>),
    (format, output): (&str, Option<PathBuf>),
    reports: &[(String, PathBuf)],
    opts: &Options,
) -> CliResult {
    use crate::instructor::grade;
    use crate::model::grading::Submission;
    let mut subs: Vec<Submission> = submissions
        .iter()
        .map(|p| {
            if p.join("exercises").is_dir() {
                Submission::from_path(p)
            } else {
                Err(std::io::Error::other(format!(
                    "{} is not a copy of the course (it has no exercises/ folder)",
                    p.display()
                )))
            }
        })
        .collect::<Result<_, _>>()?;
    if let Some((k, n)) = partition {
        subs.retain(|s| crate::instructor::shard::in_shard(&s.name, k, n));
        eprintln!(
            "grade: shard {k} of {n} holds {} of the {} submission(s)",
            subs.len(),
            submissions.len()
        );
    }
    one_unless_folder(subs.len(), format, output.as_deref(), reports)?;
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprintln!("grading {} submission(s)...", subs.len());
    }
    let exercises: Vec<&'static Exercise> = only
        .iter()
        .map(|n| exercise_arg(n))
        .collect::<Result<_, _>>()?;
    // One seed for the batch, recorded in every report: the hidden tests
    // vary what the published tests fix (see the harness's `vary`).
    let opts = &Options {
        seed: Some(opts.seed.unwrap_or_else(grade::draw_seed)),
        ..opts.clone()
    };
    let batch = if subs.is_empty() {
        // A shard may be empty; its report must still merge.
        crate::model::grading::Batch {
            graded: Vec::new(),
            seconds: 0.0,
            containment: crate::instructor::provenance::containment(),
            contained: crate::run::sandbox::level().is_sandboxed(),
            seed: opts.seed,
        }
    } else {
        grade::grade(paths, &subs, &exercises, opts)?
    };
    // How the batch was graded, for the JSON report and the class report.
    let meta = crate::instructor::provenance::record(paths, opts, &command_line());
    write_reports(paths, &batch, &meta, (format, output), reports)?;
    // Grading succeeded whatever the scores are: a low score is not an error.
    Ok(0)
}

/// Gradescope and Classroom describe one submission: a batch of several
/// writes Gradescope's once per submission into a folder, never one file.
fn one_unless_folder(
    count: usize,
    format: &str,
    output: Option<&std::path::Path>,
    reports: &[(String, PathBuf)],
) -> Result<(), String> {
    let folder = |p: Option<&std::path::Path>| p.is_some_and(report::each::is_folder);
    let single = std::iter::once((format, output))
        .chain(reports.iter().map(|(f, p)| (f.as_str(), Some(p.as_path()))))
        .filter(|(f, p)| matches!(*f, "gradescope" | "classroom") && !folder(*p))
        .count();
    if single > 0 && count != 1 {
        return Err(format!(
            "gradescope and classroom reports describe one submission, and this batch has \
             {count}: write gradescope once per submission with --report gradescope=DIR/, or \
             grade them one at a time"
        ));
    }
    Ok(())
}

/// Writes every report a run asked for from one graded batch: `format`
/// to `output` (or stdout), and each `--report`. `grade` and `merge`
/// both end here, so a merged class gets exactly the reports one batch
/// would have.
fn write_reports(
    paths: &Paths,
    batch: &crate::model::grading::Batch,
    meta: &str,
    (format, output): (&str, Option<PathBuf>),
    reports: &[(String, PathBuf)],
) -> Result<(), Box<dyn std::error::Error>> {
    let style = if output.is_some() {
        Style::plain()
    } else {
        Style::detect()
    };
    let json = || report::gradebook::json_with_meta(batch, Some(meta));
    let all = std::iter::once((format.to_string(), output, style)).chain(
        reports
            .iter()
            .map(|(f, p)| (f.clone(), Some(p.clone()), Style::plain())),
    );
    for (format, path, style) in all {
        match path {
            _ if format == "html" => {
                class_report(paths, &json(), path.as_deref())?;
            }
            Some(dir) if report::each::is_folder(&dir) => {
                std::fs::create_dir_all(&dir)?;
                for (file, text) in report::each::render(&format, batch) {
                    std::fs::write(dir.join(file), text)?;
                }
            }
            Some(file) => report::write_report(
                &format,
                &file,
                &report::grade_report(&format, batch, style, meta),
            )?,
            None => print!("{}", report::grade_report(&format, batch, style, meta)),
        }
    }
    Ok(())
}

/// `merge SHARD.json...`: the shards' reports as one batch, every format
/// written from it as `grade` writes them.
fn merge_cmd(
    paths: &Paths,
    shards: &[PathBuf],
    (format, output): (&str, Option<PathBuf>),
    reports: &[(String, PathBuf)],
) -> CliResult {
    let mut texts = Vec::new();
    for path in shards {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        texts.push((path.display().to_string(), text));
    }
    let merged = crate::instructor::shard::merge(&texts, &command_line())?;
    one_unless_folder(
        merged.batch.graded.len(),
        format,
        output.as_deref(),
        reports,
    )?;
    eprintln!(
        "merge: {} submission(s) from {} shard report(s)",
        merged.batch.graded.len(),
        shards.len()
    );
    write_reports(
        paths,
        &merged.batch,
        &merged.meta,
        (format, output),
        reports,
    )?;
    Ok(0)
}

/// This run's command line as the reports record it (see `provenance`),
/// read with the option table that the parser obeys.
fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    crate::instructor::provenance::summarize(&args, &crate::learner::usage::takes_value)
}

fn export(paths: &Paths, to: &std::path::Path) -> CliResult {
    let copied = crate::instructor::export::student_copy(paths, to)?;
    println!(
        "wrote a student copy of the course to {} ({copied} files; no solutions, no fixtures)",
        to.display()
    );
    Ok(0)
}

/// Draws the class report: the batch's JSON goes to the `checker-report`
/// binary (crate `checker/report-html`), built on first use like `watch`,
/// so no learner compiles the HTML writer before a first verdict.
fn class_report(paths: &Paths, json: &str, output: Option<&std::path::Path>) -> CliResult {
    let saved = paths.work().join("class-report.json");
    std::fs::create_dir_all(paths.work())?;
    std::fs::write(&saved, json)?;
    if !paths.root.join("target/debug/checker-report").exists() {
        eprintln!("grade: building the class report writer (first use only)...");
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.args(["run", "-q", "--manifest-path"])
        .arg(paths.root.join("Cargo.toml"))
        .args(["-p", "checker-report", "--"])
        .arg(&saved);
    if let Some(out) = output {
        let mut out = std::path::absolute(out)?.into_os_string();
        // A folder gets the class page and a page per student.
        if report::each::is_folder(std::path::Path::new(&out))
            || output.is_some_and(report::each::is_folder)
        {
            out.push(std::path::MAIN_SEPARATOR_STR);
        }
        cmd.arg("--output").arg(out);
    }
    let status = cmd.status()?;
    if status.success() {
        Ok(0)
    } else {
        Err(std::io::Error::other("the class report could not be written").into())
    }
}

fn offline(paths: &Paths, to: &std::path::Path, student: bool) -> CliResult {
    use crate::instructor::offline::{Edition, bundle};
    let edition = if student {
        Edition::Student
    } else {
        // Loudly, before and after: this bundle is not for students.
        eprintln!(
            "offline: WARNING: this bundle is the authors' course and CONTAINS THE ANSWERS \
             (solutions/ and checker/tests/fixtures/). Do not give it to students: use \
             `offline --student DIR`."
        );
        Edition::Authors
    };
    let (files, bytes) = bundle(paths, to, edition)?;
    let mib = bytes as f64 / (1u64 << 20) as f64;
    if student {
        println!(
            "wrote the student edition, ready for a room without network, to {} ({files} \
             course files, {mib:.1} MiB with the vendored crates). Copy the folder to the \
             workshop machines; there, `cargo run -p checker` needs no network.",
            to.display()
        );
    } else {
        println!(
            "wrote the AUTHORS' course WITH THE ANSWERS (solutions and fixtures) to {} \
             ({files} course files, {mib:.1} MiB with the vendored crates); `cargo run -p \
             checker` and `cargo test` need no network there. Not for students: `offline \
             --student DIR` writes their edition.",
            to.display()
        );
    }
    Ok(0)
}

/// Runs `board` in the `checker-board` binary (crate `checker/board`),
/// building it on first use: only instructors run it, so no learner
/// compiles its HTTP server.
fn delegate_board(paths: &Paths) -> CliResult {
    let first = "board: building the workshop board (first use only)...";
    delegate("checker-board", first, paths, 2)
}

/// Runs this command line in `package`'s binary (from its `skip`-th
/// argument on), building it on first use: what only instructors or
/// workshops need stays out of every learner's first build. Cargo builds
/// it from the course's root, never from the current folder, which may be
/// a submission with a `.cargo/config.toml` of its own; the binary then
/// runs here, where the command line's folders mean what they say.
fn delegate(package: &str, first: &str, paths: &Paths, skip: usize) -> CliResult {
    use crate::util::json::{View, parse};
    if !paths.root.join("target/debug").join(package).exists() {
        eprintln!("{first}");
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let built = std::process::Command::new(cargo)
        .args(["build", "-q", "--message-format", "json-render-diagnostics"])
        .arg("--manifest-path")
        .arg(paths.root.join("Cargo.toml"))
        .args(["-p", package])
        .current_dir(&paths.root)
        .stderr(std::process::Stdio::inherit())
        .output()?;
    if !built.status.success() {
        return Ok(built.status.code().unwrap_or(1));
    }
    let stdout = String::from_utf8_lossy(&built.stdout);
    let exe = stdout.lines().find_map(|line| {
        let doc = parse(line)?;
        let msg = View::new(&doc);
        (msg.get("target").get("name").str() == Some(package))
            .then(|| msg.get("executable").str().map(std::path::PathBuf::from))
            .flatten()
    });
    let Some(exe) = exe else {
        return Err(format!("cargo built {package} but named no binary").into());
    };
    let status = std::process::Command::new(exe)
        .args(std::env::args_os().skip(skip))
        .status()?;
    Ok(status.code().unwrap_or(1))
}

/// Runs `grade` in the `checker-grade` binary: the tokenizer that screens
/// graded code stays out of every learner's first build.
fn delegate_grade(paths: &Paths) -> CliResult {
    let first = "grade: building the grader (first use only)...";
    delegate("checker-grade", first, paths, 1)
}

/// Runs `watch` in the `checker-watch` binary, building it on first use:
/// the file watcher's dependencies stay out of every learner's first build.
fn delegate_watch(paths: &Paths) -> CliResult {
    let first = "watch: building the file watcher (first use only)...";
    delegate("checker-watch", first, paths, 1)
}

#[cfg(test)]
mod tests {
    use crate::instructor::provenance::summarize;
    use crate::learner::usage::{OPTIONS, takes_value};

    fn line(args: &[&str]) -> String {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        summarize(&args, &takes_value)
    }

    /// Every option of the table that takes a value keeps it, in both
    /// spellings, and the folders around it are still counted; a flag
    /// never swallows the folder after it.
    #[test]
    fn every_option_that_takes_a_value_keeps_it_out_of_the_folder_count() {
        let mut values = 0;
        for (name, value, _) in OPTIONS {
            let option = format!("--{name}");
            if value.is_empty() {
                assert_eq!(
                    line(&["grade", "a", &option, "b"]),
                    format!("checker grade <2 submission folder(s)> {option}"),
                );
                continue;
            }
            values += 1;
            assert_eq!(
                line(&["grade", "a", &option, "V", "b", "c"]),
                format!("checker grade <3 submission folder(s)> {option} V"),
                "--{name} takes {value}"
            );
            let joined = format!("{option}=V");
            assert_eq!(
                line(&["grade", "a", &joined, "b"]),
                format!("checker grade <2 submission folder(s)> {joined}"),
            );
        }
        assert!(
            values >= 10,
            "the option table lists {values} valued options"
        );
    }

    #[test]
    fn the_issue_s_command_line_reads_back() {
        assert_eq!(
            line(&[
                "--course",
                "c",
                "grade",
                "s1",
                "s2",
                "--report",
                "json=a.json",
                "--report",
                "junit=a.xml",
                "s3"
            ]),
            "checker --course c grade <3 submission folder(s)> --report json=a.json \
             --report junit=a.xml"
        );
    }
}
