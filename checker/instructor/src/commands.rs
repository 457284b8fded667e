//! The instructor's and author's commands as the command line runs them:
//! what `checker::cli` parsed, carried out here and reported. `main`
//! installs [`run`] into the library's command line.

use checker::cli::{Command, exercise_arg};
use checker::model::course::{self, Exercise, Paths};
use checker::run::options::Options;
use checker::util::exit::CliResult;
use checker::util::style::Style;
use std::path::PathBuf;

/// Runs one of the commands that `checker::cli` leaves to this binary.
pub fn run(command: Command, paths: &Paths, opts: &Options, style: Style) -> CliResult {
    match command {
        Command::Verify { exercises, runs } => verify_cmd(paths, &exercises, runs, opts, style),
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
        Command::Bench {
            cold_runs,
            runs,
            batch,
        } => crate::bench::bench(
            paths,
            &crate::bench::Settings {
                cold_runs,
                runs,
                batch,
            },
        ),
        _ => unreachable!("checker::cli runs the learner's commands itself"),
    }
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
    let findings = crate::verify::verify(paths, &exercises, runs, opts, style)?;
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

fn grade_cmd(
    paths: &Paths,
    submissions: &[PathBuf],
    (only, partition): (&[String], Option<(u64, u64)>),
    (format, output): (&str, Option<PathBuf>),
    reports: &[(String, PathBuf)],
    opts: &Options,
) -> CliResult {
    use crate::grade;
    use checker::model::grading::Submission;
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
        subs.retain(|s| crate::shard::in_shard(&s.name, k, n));
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
        checker::model::grading::Batch {
            graded: Vec::new(),
            seconds: 0.0,
            containment: crate::provenance::containment(),
            contained: checker::run::sandbox::level().is_sandboxed(),
            seed: opts.seed,
        }
    } else {
        grade::grade(paths, &subs, &exercises, opts)?
    };
    // How the batch was graded, for the JSON report and the class report.
    let meta = crate::provenance::record(paths, opts, &command_line());
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
    let folder = |p: Option<&std::path::Path>| p.is_some_and(checker::report::each::is_folder);
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
    batch: &checker::model::grading::Batch,
    meta: &str,
    (format, output): (&str, Option<PathBuf>),
    reports: &[(String, PathBuf)],
) -> Result<(), Box<dyn std::error::Error>> {
    let style = if output.is_some() {
        Style::plain()
    } else {
        Style::detect()
    };
    let json = || crate::report::gradebook::json_with_meta(batch, Some(meta));
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
            Some(dir) if checker::report::each::is_folder(&dir) => {
                std::fs::create_dir_all(&dir)?;
                for (file, text) in crate::report::each::render(&format, batch) {
                    std::fs::write(dir.join(file), text)?;
                }
            }
            Some(file) => crate::report::write_report(
                &format,
                &file,
                &crate::report::grade_report(&format, batch, style, meta),
            )?,
            None => print!(
                "{}",
                crate::report::grade_report(&format, batch, style, meta)
            ),
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
    let merged = crate::shard::merge(&texts, &command_line())?;
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
    crate::provenance::summarize(&args, &checker::learner::usage::takes_value)
}

fn export(paths: &Paths, to: &std::path::Path) -> CliResult {
    let copied = crate::export::student_copy(paths, to)?;
    println!(
        "wrote a student copy of the course to {} ({copied} files; no solutions, no fixtures)",
        to.display()
    );
    Ok(0)
}

/// Draws the class report: the batch's JSON goes to the `checker-report`
/// binary (crate `checker/report-html`), built on first use like `watch`
/// (`checker::cli::run_package`), so no learner compiles the HTML writer
/// before a first verdict.
fn class_report(paths: &Paths, json: &str, output: Option<&std::path::Path>) -> CliResult {
    let saved = paths.work().join("class-report.json");
    std::fs::create_dir_all(paths.work())?;
    std::fs::write(&saved, json)?;
    let mut args = vec![saved.into_os_string()];
    if let Some(out) = output {
        let mut out = std::path::absolute(out)?.into_os_string();
        // A folder gets the class page and a page per student.
        if checker::report::each::is_folder(std::path::Path::new(&out))
            || output.is_some_and(checker::report::each::is_folder)
        {
            out.push(std::path::MAIN_SEPARATOR_STR);
        }
        args.extend(["--output".into(), out]);
    }
    let first = "grade: building the class report writer (first use only)...";
    match checker::cli::run_package("checker-report", first, paths, args)? {
        0 => Ok(0),
        _ => Err(std::io::Error::other("the class report could not be written").into()),
    }
}

fn offline(paths: &Paths, to: &std::path::Path, student: bool) -> CliResult {
    use crate::offline::{Edition, bundle};
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

#[cfg(test)]
mod tests {
    use crate::provenance::summarize;
    use checker::learner::usage::{OPTIONS, takes_value};

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
