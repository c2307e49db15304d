//! The words of a load run's summary and live line, in both languages.
use crate::lessons::phrases;

phrases! {
    HEAD = "load on {url}: {shape}, {mode}, {secs} s (+{settle} s settling), timeout {timeout}{interrupted}", "对 {url} 的压测：{shape}，{mode}，{secs} 秒（另加 {settle} 秒收尾），超时 {timeout}{interrupted}";
    CLOSED_LOOP = "{n} connections", "{n} 个连接";
    OPEN_LOOP = "{rate} requests/s on up to {n} connections", "每秒 {rate} 个请求，最多 {n} 个连接";
    KEEPALIVE = "keep-alive", "keep-alive（复用连接）";
    NEW_CONNECTIONS = "a new connection per request", "每个请求新建一个连接";
    INTERRUPTED = " (interrupted before its {secs} s: partial results)", "（在计划的 {secs} 秒之前被中断：结果不完整）";
    GOODPUT = "goodput", "有效吞吐";
    GOODPUT_VALUE = "{rps} 2xx/s", "{rps} 2xx/秒";
    ALL_RESPONSES = "all", "全部";
    ALL_VALUE = "{rps} responses/s ({n} responses)", "{rps} 响应/秒（共 {n} 个响应）";
    SENT = "sent", "已发出";
    SENT_VALUE = "{rps} requests/s started of {due} due ({target}/s asked)", "{rps} 请求/秒，应发 {due} 个（要求 {target}/秒）";
    LATE = "late", "滞后";
    LATE_VALUE = "{n} requests due while every connection was busy{unsent}", "{n} 个请求到点时所有连接都在忙{unsent}";
    UNSENT = "; {n} never sent before the end", "；{n} 个直到结束都没发出";
    STATUS = "status", "状态码";
    ERRORS = "errors", "错误";
    NONE = "none", "无";
    NO_RESPONSE = "{n} requests got no response", "{n} 个请求没有得到响应";
    LATENCY = "latency", "延迟";
    FROM_DUE = "{latency}  (from when each request was due)", "{latency}（从每个请求应发出的时刻算起）";
    UNCORRECTED = "uncorrected", "未校正";
    FROM_SENT = "{latency}  (from when it was sent)", "{latency}（从实际发出的时刻算起）";
    CONNECT = "connect", "建连";
    CONNECTIONS = "connections", "连接";
    CONNECTIONS_VALUE = "{opened} opened, {reopened} reopened after the server closed them", "新建 {opened} 个，被服务器关闭后重新建立 {reopened} 个";
    NO_SAMPLES = "no samples", "没有样本";
    MAX = "max", "最大";
    MS = "{v} ms", "{v} 毫秒";
    LIVE = "load {secs}/{planned} s  goodput {ok} 2xx/s  all {all}/s  5xx {fivexx}/s  errors {errors}/s{late}{tail}", "压测 {secs}/{planned} 秒  有效吞吐 {ok} 2xx/秒  全部 {all}/秒  5xx {fivexx}/秒  错误 {errors}/秒{late}{tail}";
    LIVE_LATE = "  late {n}/s", "  滞后 {n}/秒";
    LIVE_FINISHING = "  (finishing requests in flight)", "  （等待仍在途中的请求完成）";
}
