//! The router, line by line: the seed's forms, the lab's real names, and the
//! lines that must never reach the host helper.
use super::*;
use crate::engine::Side;

fn r(line: &str) -> Route {
    route(line, &[], "perflab")
}

fn server(side: Side, command: &str) -> Route {
    Route::Server {
        side,
        command: command.to_string(),
    }
}

/// The line is refused for the reason the pattern names.
macro_rules! refuses {
    ($line:expr => $why:pat) => {
        assert!(matches!(refused($line), $why), "{}", $line)
    };
}

fn refused(line: &str) -> Refused {
    match r(line) {
        Route::Refused(why) => why,
        other => panic!("{line}: {other:?}"),
    }
}

#[test]
fn kernel_log_reads_go_to_the_host_and_nothing_else_does() {
    for ok in [
        "dmesg",
        "dmesg | tail",
        "dmesg -T | grep 'table full' | tail -n 3",
        "dmesg | grep -c conntrack",
        "dmesg -T -l err,warn | tail",
        "dmesg --level=err --ctime | head -5",
        "dmesg -lerr | tail",
        "dmesg -kx",
    ] {
        assert!(is_kernel_log_read(ok), "{ok}");
        assert_eq!(r(ok), Route::Host(ok.to_string()));
    }
    for no in [
        "dmesg; cat /etc/shadow",
        "dmesg && nsenter -t 1 -m sh",
        "dmesg | sh",
        "dmesg | tail $(id)",
        "dmesg > /tmp/x",
        "dmesg | xargs rm",
        "ss -s",
        "cat /proc/kmsg | dmesg",
        "dmesg | grep x `id`",
        "dmesg -F /etc/shadow",
        "dmesg --file=/etc/shadow",
        "dmesg extra",
        "dmesg -l",
    ] {
        assert!(!is_kernel_log_read(no), "{no}");
        assert!(!matches!(r(no), Route::Host(_)), "{no}: {:?}", r(no));
    }
    assert_eq!(r("ss -ltn"), server(Side::Nginx, "ss -ltn"));
}

#[test]
fn no_dmesg_that_clears_or_changes_the_log_runs_anywhere() {
    for line in [
        "dmesg -C",
        "dmesg -c",
        "dmesg -Tc | tail",
        "dmesg --clear",
        "dmesg --read-clear",
        "dmesg -D",
        "dmesg -E",
        "dmesg -n 1",
        "dmesg --console-level=1",
        "dmesg -C; ls",
        "docker exec nginx dmesg -c",
    ] {
        assert!(
            matches!(refused(line), Refused::KernelLogChange { .. }),
            "{line}"
        );
    }
    // An option's argument is not an option: `-l crit` only reads.
    assert!(is_kernel_log_read("dmesg -lcrit"));
    for line in ["dmesg -w", "dmesg --follow | grep x", "dmesg -Tw"] {
        assert!(matches!(refused(line), Refused::KernelLogFollow { .. }));
    }
}

#[test]
fn docker_logs_as_the_seed_types_it_and_with_the_real_names() {
    let l = |side, tail, timestamps| Route::Logs {
        side,
        tail,
        timestamps,
    };
    for (line, want) in [
        ("docker logs nginx --tail 3", l(Side::Nginx, Some(3), false)),
        (
            "docker logs phpfpm --tail 5",
            l(Side::PhpFpm, Some(5), false),
        ),
        ("docker logs --tail 3 nginx", l(Side::Nginx, Some(3), false)),
        (
            "docker logs --tail=7 -t phpfpm",
            l(Side::PhpFpm, Some(7), true),
        ),
        (
            "docker logs -n 2 perflab-nginx",
            l(Side::Nginx, Some(2), false),
        ),
        ("docker logs perflab-phpfpm", l(Side::PhpFpm, None, false)),
        ("docker logs nginx --tail all", l(Side::Nginx, None, false)),
    ] {
        assert_eq!(r(line), want, "{line}");
    }
    assert_eq!(
        route("docker logs lab2-nginx", &[], "lab2"),
        l(Side::Nginx, None, false)
    );
    refuses!("docker logs other-nginx" => Refused::UnknownContainer { .. });
    refuses!("docker logs" => Refused::NoContainer { .. });
    assert_eq!(
        refused("docker logs nginx --tail x"),
        Refused::Tail { value: "x".into() }
    );
    refuses!("docker logs -f nginx" => Refused::LogsOption { .. });
    assert_eq!(refused("docker logs nginx | grep 499"), Refused::LogsExtra);
    assert_eq!(refused("docker logs nginx phpfpm"), Refused::LogsExtra);
    let msg = refused("docker logs nginx --tail -3").to_string();
    assert!(msg.contains("\"-3\"") && msg.contains("`all`"), "{msg}");
}

#[test]
fn docker_exec_runs_the_rest_of_the_line_pipes_included_in_that_container() {
    assert_eq!(
        r("docker exec nginx cat /etc/nginx/nginx.conf | grep backlog"),
        server(Side::Nginx, "cat /etc/nginx/nginx.conf | grep backlog")
    );
    assert_eq!(
        r("docker exec -it phpfpm   grep -E '^pm' /etc/php/8.2/fpm/pool.d/www.conf"),
        server(
            Side::PhpFpm,
            "grep -E '^pm' /etc/php/8.2/fpm/pool.d/www.conf"
        )
    );
    assert_eq!(
        r("docker exec -i -t perflab-phpfpm ps aux | tail -n 3"),
        server(Side::PhpFpm, "ps aux | tail -n 3")
    );
    assert_eq!(
        r("docker exec nginx dmesg | tail"),
        Route::Host("dmesg | tail".into())
    );
    assert_eq!(refused("docker exec nginx"), Refused::ExecNoCommand);
    refuses!("docker exec -u www-data nginx id" => Refused::ExecOption { .. });
    refuses!("docker exec --privileged nginx id" => Refused::ExecOption { .. });
    refuses!("docker exec -it nginx bash" => Refused::Interactive { .. });
    refuses!("docker exec nginx sh -l" => Refused::Interactive { .. });
    assert_eq!(
        r("docker exec nginx sh -c 'ss -s'"),
        server(Side::Nginx, "sh -c 'ss -s'")
    );
    for other in ["docker rm -f nginx phpfpm", "docker ps", "docker"] {
        assert!(
            matches!(refused(other), Refused::DockerCommand { .. }),
            "{other}"
        );
    }
}

#[test]
fn perf_record_then_perf_report_in_the_seed_s_forms() {
    for line in [
        "perf record -g",
        "perf record -a -g",
        "perf record -ag",
        "perf record",
    ] {
        assert_eq!(r(line), Route::PerfRecord { seconds: 5 }, "{line}");
    }
    assert_eq!(
        r("perf record -g -- sleep 10"),
        Route::PerfRecord { seconds: 10 }
    );
    for bad in [
        "perf record -g -- sleep 0",
        "perf record -g -- sleep 61",
        "perf record -g -- nginx",
        "perf record -g -p 1",
        "perf record -g | tail",
        "perf script -i ~/perf.data",
        "perf top",
        "perf",
    ] {
        assert!(matches!(refused(bad), Refused::Perf { .. }), "{bad}");
    }
    assert_eq!(r("perf report"), Route::PerfReport { pipe: None });
    assert_eq!(r("perf report --stdio"), Route::PerfReport { pipe: None });
    assert_eq!(
        r("perf report --stdio -i ~/perf.data | head -n 40"),
        Route::PerfReport {
            pipe: Some("head -n 40".into())
        }
    );
    assert_eq!(
        r("perf report | grep -m3 inet_hash | head"),
        Route::PerfReport {
            pipe: Some("grep -m3 inet_hash | head".into())
        }
    );
    refuses!("perf report --sort dso" => Refused::Perf { .. });
}

#[test]
fn a_host_evidence_command_runs_in_the_helper_but_perf_report_is_the_kept_one() {
    let evidence: Vec<crate::lessons::Evidence> = toml::from_str::<Wrap>(
        r#"
[[e]]
id = "report"
runs_in = "host"
command = "perf report"
seen = "x"
means = { en = "m", zh = "m" }
[[e]]
id = "log"
runs_in = "host"
command = "uname  -r"
seen = "x"
means = { en = "m", zh = "m" }
"#,
    )
    .unwrap()
    .e;
    assert_eq!(
        route("uname -r", &evidence, "perflab"),
        Route::Host("uname -r".into())
    );
    assert_eq!(
        route("perf report", &evidence, "perflab"),
        Route::PerfReport { pipe: None }
    );
    assert_eq!(
        route("uname -a", &evidence, "perflab"),
        server(Side::Nginx, "uname -a")
    );
}

#[derive(serde::Deserialize)]
struct Wrap {
    e: Vec<crate::lessons::Evidence>,
}

#[test]
fn a_refused_line_is_answered_like_a_failed_command() {
    struct Nothing;
    impl crate::lab::LabOps for Nothing {
        fn start_stage(&mut self, _: u8, _: bool) -> Result<(), crate::lab::LabError> {
            unreachable!()
        }
        fn facts_now(&mut self) -> Result<crate::lab::Facts, crate::lab::LabError> {
            unreachable!()
        }
        fn run_load(
            &mut self,
            _: bool,
            _: Option<&str>,
            _: Option<u32>,
        ) -> Result<crate::lab::Facts, crate::lab::LabError> {
            unreachable!()
        }
        fn exec(
            &mut self,
            _: crate::lab::ExecTarget,
            _: &str,
        ) -> Result<crate::engine::ExecOutput, crate::lab::LabError> {
            unreachable!()
        }
        fn logs(
            &mut self,
            _: Side,
            _: Option<u64>,
            _: bool,
        ) -> Result<crate::engine::ExecOutput, crate::lab::LabError> {
            unreachable!()
        }
        fn perf_record(
            &mut self,
            _: u32,
        ) -> Result<crate::engine::ExecOutput, crate::lab::LabError> {
            unreachable!()
        }
        fn perf_report(
            &mut self,
            _: Option<&str>,
        ) -> Result<crate::engine::ExecOutput, crate::lab::LabError> {
            unreachable!()
        }
        fn lab_name(&self) -> String {
            "perflab".into()
        }
        fn apply(
            &mut self,
            _: &crate::lessons::Change,
            _: Option<&str>,
        ) -> Result<String, crate::lab::LabError> {
            unreachable!()
        }
        fn restart(&mut self, _: &[crate::lessons::Service]) -> Result<(), crate::lab::LabError> {
            unreachable!()
        }
    }
    let out = run(&mut Nothing, &r("docker rm -f nginx")).unwrap();
    assert_eq!(out.code, 2);
    assert!(out.stderr.starts_with("docker rm: "), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}
