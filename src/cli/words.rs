//! The words of perflab's own commands (up, down, reset, status, run, report,
//! shell, challenge, class, doctor), in the course's language. Errors stay in
//! English, as the Rust tools' do; clap's help has no language switch.
use crate::lessons::{phrases, Lang};
use crate::tutor::progress::Progress;

/// The locale's language: Chinese for a `zh*` locale, else English.
fn lang_from_env() -> Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .filter(|v| v.starts_with("zh"))
        .map_or(Lang::En, |_| Lang::Zh)
}

/// The language saved in a progress that could be read, else the locale's.
pub fn saved_lang(progress: Option<&Progress>) -> Lang {
    progress.and_then(|p| p.lang).unwrap_or_else(lang_from_env)
}

/// The language of the words: the option, else the course's as saved, else the locale's.
pub fn lang_of(option: Option<Lang>, progress: &Progress) -> Lang {
    option.unwrap_or_else(|| saved_lang(Some(progress)))
}

phrases! {
    // up
    UP_DONE = "the lab is up at stage {n} ({name}) in {secs} s", "实验环境已按第 {n} 关（{name}）启动，用时 {secs} 秒";
    UP_SERVER = "server: {url}", "服务器：{url}";
    UP_NEXT = "next: `perflab load` to measure it, `perflab shell` to look inside, `perflab down` to remove it", "接下来：`perflab load` 对它压测，`perflab shell` 进去查看，`perflab down` 删除它";
    // down and run
    REMOVING_LAB = "removing the lab", "正在删除实验环境";
    NOTHING_TO_DO = "no lab objects and no host changes: nothing to do", "没有实验环境的对象，也没有主机改动：无需操作";
    REMOVED = "removed {containers} containers, {networks} networks, {volumes} volumes", "已删除 {containers} 个容器、{networks} 个网络、{volumes} 个卷";
    RESTORED = "restored {what}", "已还原 {what}";
    // reset
    COURSE_BACK = "the whole course is back at its start", "整个课程已回到起点";
    STAGE_BACK = "stage {n} (and every later one) is back at its start", "第 {n} 关（以及之后的每一关）已回到起点";
    NO_LAB_RUNS = "no lab runs: `perflab` starts it at stage {n}", "实验环境没有在运行：运行 `perflab` 会从第 {n} 关启动它";
    LAB_STARTED_AGAIN = "the lab was started again as it is at the start of stage {n}", "已按第 {n} 关开始时的状态重新启动实验环境";
    MOVED_ASIDE = "{path} could not be read; it was moved to {aside}", "{path} 无法读取，已移到 {aside}";
    // status
    LAB_RUNNING = "lab {lab}: running at stage {n}, server {url}", "实验环境 {lab}：运行中，处于第 {n} 关，服务器 {url}";
    LAB_NOT_RUNNING = "lab {lab}: not running (start it with `perflab up`)", "实验环境 {lab}：没有运行（用 `perflab up` 启动）";
    HOST_CHANGES_NONE = "host changes: none", "主机改动：无";
    HOST_CHANGE = "host change: {key} = {applied} (was {original}; `perflab down` restores it)", "主机改动：{key} = {applied}（原值 {original}；`perflab down` 会还原）";
    // report
    WROTE = "wrote {path}", "已写入 {path}";
    // shell
    STDIN_NOT_TERMINAL = "stdin is not a terminal: reading commands from it", "标准输入不是终端：从标准输入读取命令";
    KERNEL_LOG_NOT_COPIED = "the host's kernel log could not be copied into the server, so `dmesg` there shows an older copy or none: {error}", "主机的内核日志没能复制到服务器里，所以在那里运行 `dmesg` 看到的是旧的副本，或者什么都没有：{error}";
    // challenge
    CLOCK_NOT_SAVED = "the challenge's clock was not saved at the stop: {error}", "停止时没能保存挑战的计时：{error}";
    // class serve
    CLASS_SERVING = "class \"{title}\" on {addr} (kept in {db})", "课堂「{title}」在 {addr} 上开放（数据保存在 {db}）";
    JOIN_URL = "join URL: {url}", "加入链接：{url}";
    INSTRUCTOR_URL = "instructor URL: {url}", "讲师链接：{url}";
    EACH_LEARNER = "each learner runs `perflab class join <join URL> --as NAME`, then `perflab`", "每位学员运行 `perflab class join <join URL> --as NAME`，然后运行 `perflab`";
    KEEP_INSTRUCTOR_URL = "keep the instructor URL to yourself: it shows and exports the whole class", "讲师链接请自己保管，不要外传：凭它可以查看和导出整个课堂的数据";
    ONLY_THIS_MACHINE = "only this machine can reach it; to open it to the room: --bind 0.0.0.0:8470", "只有本机能访问它；要向教室的网络开放：--bind 0.0.0.0:8470";
    OPEN_TO_NETWORK = "the class is open to the network on port {port}: learners need it allowed in this machine's firewall", "课堂已在端口 {port} 上向网络开放：本机的防火墙需要放行这个端口，学员才能连上";
    CLASS_STOPPED = "class server stopped; the class is kept for the next `perflab class serve`", "课堂服务器已停止；课堂数据会保留，供下一次 `perflab class serve` 使用";
    // class join, leave, export
    JOINED = "joined the class \"{title}\" as {name}", "已用 {name} 这个名字加入课堂「{title}」";
    JOINED_SENDS = "from now on `perflab` sends your course to the instructor's roster", "从现在起，`perflab` 会把你的课程进度发送到讲师的名单上";
    JOINED_HAND = "type `hand` at any prompt to raise your hand, and again to lower it", "在任何提示符下输入 `hand` 就能举手，再输入一次就放下";
    NOT_IN_CLASS = "you are not in a class", "你没有加入任何课堂";
    QUEUE_UNREADABLE = "the class's queue could not be read: {error}", "无法读取课堂的发送队列：{error}";
    LEFT_ONE = "left the class \"{title}\"; {n} queued event was dropped", "已退出课堂「{title}」；丢弃了 {n} 个排队待发送的事件";
    LEFT_MANY = "left the class \"{title}\"; {n} queued events were dropped", "已退出课堂「{title}」；丢弃了 {n} 个排队待发送的事件";
    ROWS_WRITTEN = "{n} rows written to {path}", "已将 {n} 行写入 {path}";
    // class status
    QUEUED_ONE = "{n} event queued", "{n} 个事件待发送";
    QUEUED_MANY = "{n} events queued", "{n} 个事件待发送";
    CLASS_REACHABLE = "class \"{title}\" at {server} as {name}: reachable, {events} events on the server, {queued}", "课堂「{title}」（{server}，名字 {name}）：可以连上，服务器上有 {events} 个事件，{queued}";
    CLASS_UNREACHABLE = "class \"{title}\" at {server} as {name}: NOT reachable ({error}), {queued}", "课堂「{title}」（{server}，名字 {name}）：连不上（{error}），{queued}";
    NO_ANSWER = "no answer", "没有应答";
    // doctor: the checks' names
    CHECK_ENGINE = "Docker Engine", "Docker Engine";
    CHECK_KIND = "engine kind", "引擎类型";
    CHECK_CLIENT = "perflab", "perflab";
    CHECK_STATE_DIR = "state directory", "状态目录";
    CHECK_LOAD_PATH = "load path", "压测路径";
    CHECK_BASE_IMAGE = "base image", "基础镜像";
    CHECK_HOST_HELPER = "host helper", "主机辅助容器";
    CHECK_PERF = "perf", "perf";
    CHECK_NOTE = "on this engine", "在这个引擎上";
    // doctor: the answers
    CHECKS_FAILED = "{failed} of {counted} checks failed", "{counted} 项检查中有 {failed} 项没有通过";
    CHECKS_PASSED = "all {counted} checks passed: `perflab up` is ready", "全部 {counted} 项检查都通过了：可以运行 `perflab up` 了";
    KIND_NATIVE = "native: Docker Engine on this machine's Linux kernel", "本机：Docker Engine 运行在本机的 Linux 内核上";
    KIND_VM = "a desktop VM: {product}", "桌面版虚拟机：{product}";
    KIND_REMOTE = "remote: the engine on {host}", "远程：{host} 上的引擎";
    KIND_FACTS = "{kind} ({os}, kernel {kernel}, {arch})", "{kind}（{os}，内核 {kernel}，{arch}）";
    NOT_LINUX = "this perflab is a {os} program: the load it drives runs beside the lab as a Linux program; run perflab from its container image instead (`docker build -t perflab .`, see the README)", "这个 perflab 是 {os} 程序，而它驱动的压测要作为 Linux 程序在实验环境旁边运行：请改用 perflab 的容器镜像运行它（`docker build -t perflab .`，见 README）";
    IN_PROCESS = "drives the load from this process", "在本进程里驱动压测";
    BUNDLE = "a Linux {arch} program on kernel {kernel}: it copies itself beside the lab ({files} files)", "运行在内核 {kernel} 上的 Linux {arch} 程序：它会把自己复制到实验环境旁边（{files} 个文件）";
    STATE_DIR_FIX = "{error}; set PERFLAB_STATE_DIR to a writable directory", "{error}；请把 PERFLAB_STATE_DIR 设为一个可写的目录";
    PATH_BESIDE = "beside the lab: a short-lived container on the lab's network runs this perflab's own generator", "在实验环境旁边：由实验环境网络上的一个临时容器运行这个 perflab 自带的压测程序";
    PATH_HOST = "from this machine, in perflab's own process (PERFLAB_LOAD_FROM=host)", "从本机发起，在 perflab 自己的进程里（PERFLAB_LOAD_FROM=host）";
    ROUTE_REACHES = "this machine routes to the lab's network ({ip} answers), so PERFLAB_LOAD_FROM=host (the load from this process) works here too", "本机有通往实验环境网络的路由（{ip} 有应答），所以 PERFLAB_LOAD_FROM=host（从本进程发起压测）在这里也能用";
    ROUTE_NONE = "this machine has no route to the lab's network ({ip}: {reason}), so the load can only run beside the lab", "本机没有通往实验环境网络的路由（{ip}：{reason}），所以压测只能在实验环境旁边运行";
    ROUTE_SILENT = "{ip} did not answer from this machine within a second (no route, or a full conntrack table at stages 0 and 1 drops new connections)", "{ip} 在一秒内没有应答本机（没有路由，或者第 0、1 关里 conntrack 表已满，丢弃了新连接）";
    ROUTE_NO_LAB = "no lab runs, so the route from this machine to a lab is not tested (`perflab up`, then doctor again)", "实验环境没有在运行，所以没有测试本机到实验环境的路由（先运行 `perflab up`，再运行一次 doctor）";
    ROUTE_LOOKUP_FAILED = "the lab could not be looked up: {error}", "无法查找实验环境：{error}";
    IMAGE_PRESENT = "{image} present", "{image} 已就绪";
    IMAGE_MISSING = "{image} is missing: `docker pull {image}`, or without a registry `sudo bash scripts/engine.sh` (debootstrap + import)", "缺少 {image}：运行 `docker pull {image}`；没有镜像仓库时运行 `sudo bash scripts/engine.sh`（debootstrap + import）";
    WHOSE_NATIVE = "this machine's", "本机的";
    WHOSE_VM = "the {product} VM's", "{product} 虚拟机的";
    WHOSE_REMOTE = "{host}'s", "{host} 的";
    CONNTRACK_TOO_BIG = "{whose} nf_conntrack_max is {max}: stages 0 and 1 fill the server's table to it, which would pin over 1 GB; start at `--stage 2`", "{whose} nf_conntrack_max 是 {max}：第 0、1 关会把服务器的表填到这个上限，会占住 1 GB 以上的内存；请从 `--stage 2` 开始";
    CONNTRACK_READ = "reads {whose} nf_conntrack_max: {max} (host network + NET_ADMIN)", "能读取 {whose} nf_conntrack_max：{max}（host 网络 + NET_ADMIN）";
    NEEDS_MODPROBE = "{error}; on the engine's host: `sudo modprobe nf_conntrack`", "{error}；请在引擎所在的主机上运行 `sudo modprobe nf_conntrack`";
    NEEDS_NET_ADMIN = "{error}; the Docker Engine must allow host-network containers with NET_ADMIN", "{error}；Docker Engine 必须允许使用 host 网络并带 NET_ADMIN 的容器";
    PERF_WORKS = "perf record -a works in the host helper", "perf record -a 在主机辅助容器里可用";
    PERF_IN_VM = "(on {product} the kernel is the VM's: the settings above are the VM's, set inside it)", "（在 {product} 上，内核是虚拟机的：上面这些设置都属于虚拟机，要在虚拟机里面设置）";
    NOTE_NATIVE = "host-wide values (nf_conntrack_max), the kernel log and perf are this machine's; `perflab down` puts back what the lab raised", "主机全局参数（nf_conntrack_max）、内核日志和 perf 都是本机的；`perflab down` 会还原实验环境调高过的值";
    NOTE_VM_HOST = "\"host-wide\" means the {product} VM: nf_conntrack_max, `dmesg` and perf are the VM's kernel's; `perflab down` puts the VM's value back (a restart of the VM resets it too)", "“主机全局”指的是 {product} 虚拟机：nf_conntrack_max、`dmesg` 和 perf 都属于虚拟机的内核；`perflab down` 会还原虚拟机里的值（重启虚拟机也会让它复原）";
    NOTE_VM_ADDRESS = "the server's address is not reachable from this machine: `perflab load` runs beside the lab, and `perflab shell -- curl -s http://127.0.0.1/` asks from inside the server; `docker logs {lab}-nginx` works as usual", "本机访问不到服务器的地址：`perflab load` 会在实验环境旁边运行，`perflab shell -- curl -s http://127.0.0.1/` 会从服务器内部发请求；`docker logs {lab}-nginx` 照常可用";
    NOTE_VM_PERF = "perf records the VM's kernel: where the flame graph shows addresses instead of kernel function names, the VM hides its symbols (kptr_restrict inside the VM) or its kernel has none; the same fault shows without perf in `perflab probe` (where TIME_WAIT sits) and in `perflab load` (connect latency)", "perf 录制的是虚拟机的内核：如果火焰图里显示的是地址而不是内核函数名，说明虚拟机隐藏了符号（虚拟机里的 kptr_restrict），或者它的内核没有符号；不用 perf 也能看到同一个故障：`perflab probe`（TIME_WAIT 堆积在哪里）和 `perflab load`（连接延迟）";
    NOTE_REMOTE_HOST = "\"host-wide\" means {host}: nf_conntrack_max, `dmesg` and perf are its kernel's, shared by every lab on that engine (the engine keeps one ledger of them, so the last lab's `perflab down` puts the original back)", "“主机全局”指的是 {host}：nf_conntrack_max、`dmesg` 和 perf 都属于它的内核，由这个引擎上的所有实验环境共用（引擎为它们记着同一本账，所以最后一个实验环境执行 `perflab down` 时会还原原始值）";
    NOTE_REMOTE_COPY = "the first run of each lab copies this perflab (about 100 MB) to the engine: on a slow link it takes a while, once", "每个实验环境第一次运行时，会把这个 perflab（约 100 MB）复制到引擎上：网络慢的话要花些时间，但只有这一次";
    NOTE_REMOTE_STATE = "your progress, the journal of what this lab changed and the reports stay on this machine, in the state directory", "你的进度、这个实验环境所做改动的日志以及报告都留在本机的状态目录里";
    // load, probe, course
    LOAD_START = "loading {url} {shape} for {duration} ({mode}, timeout {timeout})", "压测 {url}：{shape}，持续 {duration}（{mode}，超时 {timeout}）";
    LOAD_CLOSED = "with {n} connections", "{n} 个连接";
    LOAD_OPEN = "at {rate} requests/s on up to {n} connections", "每秒 {rate} 个请求，最多 {n} 个连接";
    LOAD_EVIDENCE = "server evidence over the run:", "压测期间服务器的证据：";
    LOAD_EVIDENCE_HIDDEN = "while your course is in progress, only the server counters of the stages you have solved show here (`--evidence` shows them all)", "课程进行期间，这里只显示你已经解决的关卡的服务器计数器（`--evidence` 显示全部）";
    LOAD_INTERRUPTED = "interrupted: the figures above cover only the part that ran", "已中断：上面的数字只涵盖实际跑完的那一部分";
    PROBING = "probing the server and reading the kernel log", "正在探查服务器并读取内核日志";
    CLASS_UNUSABLE = "the class cannot be used, the course goes on without it: {error}", "课堂用不了，课程不带它继续：{error}";
}
