//! The words of the snapshot's table, the gauges' line and what an earlier run
//! left, in both languages. Counter names, socket states and quoted log lines
//! stay as the kernel and the services write them.
use crate::lessons::phrases;

phrases! {
    KERNEL = "kernel", "内核";
    CONNTRACK = "{count} of {max} entries{pct}; drops {drops}, insert_failed {failed}", "{count} / {max} 个条目{pct}；drops {drops}，insert_failed {failed}";
    FULL = " ({pct}% full)", "（已满 {pct}%）";
    TIME_WAIT = "TIME_WAIT {n}: {nginx} on nginx's ephemeral ports (remote :9000), {fpm} on php-fpm's :9000", "TIME_WAIT {n}：nginx 的临时端口上 {nginx} 个（远端 :9000），php-fpm 的 :9000 上 {fpm} 个";
    TCP_COUNTERS = "ListenOverflows {overflows}, ListenDrops {drops}, TCPSynRetrans {retrans}, ActiveOpens {opens}", "ListenOverflows {overflows}，ListenDrops {drops}，TCPSynRetrans {retrans}，ActiveOpens {opens}";
    SOCKETS = "sockets: {states}", "套接字：{states}";
    NOTHING_LISTENS = "nothing listens on :80 or :9000", ":80 和 :9000 上都没有程序在监听";
    LISTEN = "{addr} Recv-Q {recv} Send-Q {send} (accept queue limit)", "{addr} Recv-Q {recv} Send-Q {send}（accept 队列上限）";
    RESPONSES = "responses {codes}", "响应 {codes}";
    NONE_YET = "none yet", "暂无";
    EADDRNOTAVAIL = "\"(99: Cannot assign requested address)\" lines: {n}", "\"(99: Cannot assign requested address)\" 日志行：{n}";
    MAX_CHILDREN = "\"server reached max_children setting\" warnings: {n}{limits}", "\"server reached max_children setting\" 警告：{n}{limits}";
    BY_LIMIT = ": {limits}", "：{limits}";
    TABLE_FULL = "conntrack \"table full\" lines: {n}", "conntrack \"table full\" 日志行：{n}";
    GAUGES = "conntrack {count}/{max} drops {drops}/s · TIME_WAIT {time_wait}{nginx} · overflows {overflows}/s{responses}", "conntrack {count}/{max} 丢弃 {drops}/秒 · TIME_WAIT {time_wait}{nginx} · 队列溢出 {overflows}/秒{responses}";
    GAUGES_NGINX = " (nginx {n})", "（nginx {n}）";
    GAUGES_RESPONSES = " · 5xx {fivexx}/s · 2xx {twoxx}/s", " · 5xx {fivexx}/秒 · 2xx {twoxx}/秒";
    LEFT_TIME_WAIT = "{count} TIME_WAIT sockets from an earlier run hold {count} of nginx's {ports} ephemeral ports for up to 60 s, so this run measures them too: clear them with `perflab load --settle`, or wait a minute", "上一次压测留下的 {count} 个 TIME_WAIT 套接字占着 nginx 的 {ports} 个临时端口中的 {count} 个，最长 60 秒，所以这次压测也会把它们算进去：用 `perflab load --settle` 清掉，或者等一分钟";
    LEFT_SERVING = "the server is still serving an earlier run ({connections} connections open, {queued} requests queued), so this run measures it too: `perflab load --settle` waits for it to end", "服务器还在处理上一次压测（{connections} 个连接未关闭，{queued} 个请求在排队），所以这次压测也会把它算进去：`perflab load --settle` 会等它结束";
    LEFTOVER_NEUTRAL = "an earlier run left the server busy, so this run measures it too: `perflab load --settle` waits for it and clears what it left", "上一次压测让服务器还在忙，所以这次压测也会把它算进去：`perflab load --settle` 会等它结束，并清掉它留下的东西";
    SETTLED = "settled the server: {wait}", "等待服务器空闲：{wait}";
    SETTLED_FULL = "settled the server: {wait}, php-fpm restarted, {n} TIME_WAIT left on nginx's ports", "等待服务器空闲：{wait}，php-fpm 已重启，nginx 的端口上还剩 {n} 个 TIME_WAIT";
    QUIET = "quiet after {secs} s", "{secs} 秒后安静下来";
    STILL_BUSY = "still busy after {secs} s", "{secs} 秒后仍然繁忙";
}
