//! The roster page in a real browser: headless Chromium from Debian's packages,
//! driven through chromedriver (WebDriver), while learners send events to a
//! real `perflab class serve`. Without Chromium this test FAILS: install it
//! with `bash scripts/engine.sh --tests` (or `apt-get install chromium chromium-driver`).

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::class_support::*;
use crate::harness::{serial, signal_group};
use perflab::class::http::{Base, Client};
use perflab::class::{Classroom, EventKind};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

const CHROMIUM: &[&str] = &["/usr/lib/chromium/chromium", "/usr/bin/chromium"];
const DRIVER: &[&str] = &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"];

fn find(candidates: &[&str], what: &str) -> PathBuf {
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!(
                "{what} is not installed (looked at {candidates:?}); install it with \
                 `bash scripts/engine.sh --tests` or `apt-get install -y chromium chromium-driver`"
            )
        })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// chromedriver and one browser session; both are ended on drop.
struct Browser {
    driver: Child,
    client: Client,
    session: String,
}

impl Browser {
    async fn start(profile: &Path) -> Browser {
        let chromium = find(CHROMIUM, "Chromium");
        let driver_bin = find(DRIVER, "chromedriver");
        let port = free_port();
        // Its own process group, so that the browser it starts goes with it.
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver");
        let base = Base::parse(&format!("http://127.0.0.1:{port}/")).unwrap().0;
        let mut client = Client::new(base, Duration::from_secs(60));
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(a) = client.request("GET", "/status", &[], vec![]).await {
                if a.status == 200 {
                    break;
                }
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        }}});
        let mut b = Browser {
            driver,
            client,
            session: String::new(),
        };
        let v = b.call("POST", "/session", caps).await;
        b.session = v["sessionId"].as_str().expect("a session id").to_string();
        b
    }

    async fn call(&mut self, method: &str, path: &str, body: Value) -> Value {
        let body = if body.is_null() {
            vec![]
        } else {
            serde_json::to_vec(&body).unwrap()
        };
        let a = self
            .client
            .request(method, path, &[], body)
            .await
            .unwrap_or_else(|e| panic!("webdriver {method} {path}: {e}"));
        let v: Value = serde_json::from_slice(&a.body).unwrap();
        assert_eq!(a.status, 200, "webdriver {method} {path}: {v}");
        v["value"].clone()
    }

    async fn open(&mut self, url: &str) {
        let path = format!("/session/{}/url", self.session);
        self.call("POST", &path, json!({ "url": url })).await;
    }

    async fn eval(&mut self, script: &str) -> Value {
        let path = format!("/session/{}/execute/sync", self.session);
        self.call("POST", &path, json!({ "script": script, "args": [] }))
            .await
    }

    /// The roster as the page shows it, read from the DOM.
    async fn rows(&mut self) -> Vec<Value> {
        let v = self
            .eval(
                "return [...document.querySelectorAll('#rows tr')].map(tr => ({
                    name: tr.querySelector('td.name').textContent,
                    where: tr.querySelector('td.where').textContent,
                    failed: tr.querySelector('td.failed').textContent,
                    stuck: tr.classList.contains('stuck'),
                    stuckText: tr.querySelector('td.stuck').textContent,
                    hand: tr.classList.contains('hand'),
                    hints: tr.querySelector('td.hints').textContent,
                }));",
            )
            .await;
        v.as_array().cloned().unwrap_or_default()
    }

    async fn row(&mut self, name: &str) -> Option<Value> {
        self.rows().await.into_iter().find(|r| r["name"] == name)
    }

    /// Waits until `name`'s row passes `test`; returns how long that took.
    async fn until(
        &mut self,
        name: &str,
        within: Duration,
        test: impl Fn(&Value) -> bool,
    ) -> Duration {
        let start = Instant::now();
        loop {
            let row = self.row(name).await;
            if row.as_ref().is_some_and(&test) {
                return start.elapsed();
            }
            assert!(
                start.elapsed() < within,
                "{name}'s row did not change as expected within {within:?}: {row:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Browser {
    /// Ends the session (the browser quits), then chromedriver.
    async fn close(mut self) {
        let path = format!("/session/{}", self.session);
        self.call("DELETE", &path, Value::Null).await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The whole group: chromedriver, and the browser if it is still there
        // (a test that failed half-way). Already gone is fine.
        signal_group(self.driver.id(), libc::SIGKILL);
        let _ = self.driver.wait();
    }
}

async fn joined(
    server: &ServerProc,
    name: &str,
    dir: &Path,
    cancel: &CancellationToken,
) -> Classroom {
    let m = perflab::class::join(&server.join_url, name).await.unwrap();
    let queue = dir.join(&m.learner);
    let c = Classroom::build(m, &queue).unwrap();
    c.start_sender(&tokio::runtime::Handle::current(), cancel.clone());
    c
}

fn failed(pred: &str) -> EventKind {
    EventKind::CheckFailed {
        predicate: pred.into(),
        observed: "128".into(),
        expected: ">= 4096".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_roster_in_chromium_is_live_marks_the_stuck_and_shows_markup_as_text() {
    // The browser's timing is the test's: the machine to itself.
    let _serial = serial();
    let dir = temp_dir("browser");
    let server = ServerProc::start(&dir.join("server"), "127.0.0.1:0");
    let cancel = CancellationToken::new();
    let queues = dir.join("learners");
    let script_name = "<script>alert(1)</script>";
    let img_name = "<img src=x onerror=document.title=1>";
    let ana = joined(&server, "ana", &queues, &cancel).await;
    let sam = joined(&server, "sam", &queues, &cancel).await;
    let busy = joined(&server, "busy", &queues, &cancel).await;
    let xss = joined(&server, script_name, &queues, &cancel).await;
    let img = joined(&server, img_name, &queues, &cancel).await;
    xss.record(EventKind::StepStarted, 0, "read")
        .expect("recording an event");
    img.record(EventKind::StepStarted, 0, "read")
        .expect("recording an event");

    // One learner keeps sending while the page loads and is read.
    let stop = Arc::new(AtomicBool::new(false));
    let busy_thread = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut n = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let step = format!("step-{n}");
                busy.record(EventKind::StepStarted, (n % 7) as u8, &step)
                    .expect("recording an event");
                n += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };

    let mut browser = Browser::start(&dir.join("profile")).await;
    browser.open(&server.admin_url).await;
    let start = Instant::now();
    while browser.rows().await.len() < 5 {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the roster never showed 5 learners"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A new event shows within 3 s, without a reload.
    ana.record(EventKind::StepStarted, 2, "probe-the-backlog")
        .expect("recording an event");
    let took = browser
        .until("ana", Duration::from_secs(3), |r| {
            r["where"]
                .as_str()
                .unwrap()
                .contains("stage 2 · probe-the-backlog")
        })
        .await;
    eprintln!("a new event showed on the page after {took:?}");

    // Two failures of the same check are not stuck yet; the third is.
    sam.record(failed("somaxconn >= 4096"), 3, "check")
        .expect("recording an event");
    sam.record(failed("somaxconn >= 4096"), 3, "check")
        .expect("recording an event");
    browser
        .until("sam", Duration::from_secs(3), |r| {
            r["failed"].as_str().unwrap().contains("(×2)")
        })
        .await;
    assert_eq!(browser.row("sam").await.unwrap()["stuck"], false);
    sam.record(failed("somaxconn >= 4096"), 3, "check")
        .expect("recording an event");
    browser
        .until("sam", Duration::from_secs(3), |r| {
            r["stuck"] == true
                && r["stuckText"]
                    .as_str()
                    .unwrap()
                    .contains("somaxconn >= 4096 failed 3 times")
        })
        .await;
    let sam_row = browser.row("sam").await.unwrap();
    assert!(
        sam_row["failed"].as_str().unwrap().contains("observed 128"),
        "{sam_row}"
    );

    // A raised hand shows.
    assert!(ana.toggle_hand(2, "probe-the-backlog").unwrap());
    browser
        .until("ana", Duration::from_secs(3), |r| r["hand"] == true)
        .await;

    // The thresholds are set on the page: one hint is then enough to be stuck.
    browser
        .eval(
            "const i = document.getElementById('th-hints'); i.value = '1';
             i.dispatchEvent(new Event('input', {bubbles: true}));
             document.querySelector('#th-form button').click(); return true;",
        )
        .await;
    ana.record(EventKind::Hint { level: 1 }, 2, "probe-the-backlog")
        .expect("recording an event");
    browser
        .until("ana", Duration::from_secs(3), |r| {
            r["stuck"] == true && r["stuckText"].as_str().unwrap().contains("1 hints used")
        })
        .await;
    let (_, t) = server.admin_get("/api/thresholds").await;
    let t: Value = serde_json::from_slice(&t).unwrap();
    assert_eq!(t["hints"], 1, "the page's form set the threshold: {t}");

    // Markup in names is shown as text and never runs.
    let page = browser
        .eval(
            "return {scripts: document.scripts.length, images: document.images.length,
                     title: document.title, html: document.documentElement.outerHTML};",
        )
        .await;
    assert!(
        browser.row(script_name).await.is_some(),
        "the <script> name is shown as text"
    );
    assert!(
        browser.row(img_name).await.is_some(),
        "the <img> name is shown as text"
    );
    assert_eq!(page["scripts"], 1, "only the page's own script");
    assert_eq!(page["images"], 0, "no image made from a name");
    assert_eq!(page["title"], "test class · perflab class");
    let html = page["html"].as_str().unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "escaped in the DOM"
    );

    stop.store(true, Ordering::Relaxed);
    busy_thread.join().unwrap();
    cancel.cancel();
    browser.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
