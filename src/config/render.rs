//! Renders the server's config files from the knobs: `{{name}}` placeholders in
//! `containers/server/templates/`.
use super::{Backlog, Knobs};

const NGINX: &str = include_str!("../../containers/server/templates/nginx.conf");
const PHPFPM: &str = include_str!("../../containers/server/templates/php-fpm.conf");
const POOL: &str = include_str!("../../containers/server/templates/www.conf");

/// php-fpm's two files: the global part (which includes `pool.d/*.conf`) and the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhpFpmConfig {
    /// `/etc/php/8.2/fpm/php-fpm.conf`
    pub global: String,
    /// `/etc/php/8.2/fpm/pool.d/www.conf`
    pub pool: String,
}

fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (name, value) in vars {
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    debug_assert!(!out.contains("{{"), "a placeholder was left unfilled");
    out
}

pub fn render_nginx(k: &Knobs) -> String {
    let (upstream_block, pass) = if k.upstream_keepalive > 0 {
        (
            format!(
                "\n    upstream php {{\n        server 127.0.0.1:9000;\n        keepalive {};\n        keepalive_requests 10;\n    }}\n",
                k.upstream_keepalive
            ),
            "php",
        )
    } else {
        (String::new(), "127.0.0.1:9000")
    };
    fill(
        NGINX,
        &[
            ("nginx_workers", k.nginx_workers.to_string()),
            ("nginx_backlog", k.nginx_backlog.to_string()),
            ("upstream_block", upstream_block),
            ("fastcgi_pass", pass.to_string()),
            (
                "fastcgi_keep_conn",
                if k.fastcgi_keep_conn { "on" } else { "off" }.to_string(),
            ),
        ],
    )
}

pub fn render_phpfpm(k: &Knobs) -> PhpFpmConfig {
    let backlog = match k.phpfpm_backlog {
        // As php-fpm ships it: the comment says what the default is on Linux.
        Backlog::Default => {
            "; Default Value: 511 (-1 on Linux, FreeBSD and OpenBSD)\n;listen.backlog = 511"
                .to_string()
        }
        Backlog::Value(n) => format!("listen.backlog = {n}"),
    };
    let pool = fill(
        POOL,
        &[
            ("phpfpm_backlog_line", backlog),
            ("pm", k.pm.clone()),
            ("pm_max_children", k.pm_max_children.to_string()),
            ("backend_wait_us", k.backend_wait_us.to_string()),
        ],
    );
    PhpFpmConfig {
        global: fill(PHPFPM, &[]),
        pool,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::StagePlan;

    #[test]
    fn stage_zero_renders_the_seed_values() {
        let k = StagePlan::embedded().unwrap().knobs_at_start(0);
        let nginx = render_nginx(&k);
        assert!(nginx.contains("listen 80 backlog=10;"));
        assert!(nginx.contains("fastcgi_keep_conn off;"));
        assert!(nginx.contains("fastcgi_pass 127.0.0.1:9000;"));
        assert!(!nginx.contains("upstream"));
        assert!(nginx.contains("access_log /var/log/nginx/access.log "));
        assert!(nginx.contains("error_log /var/log/nginx/error.log;"));
        let fpm = render_phpfpm(&k);
        assert!(fpm.pool.contains("pm = ondemand"));
        assert!(fpm.pool.contains("pm.max_children = 5"));
        // As the seed prints it: `cat .../www.conf | grep backlog`.
        assert!(fpm
            .pool
            .contains("; Set listen(2) backlog.\n; Default Value: 511 (-1 on Linux, FreeBSD and OpenBSD)\n;listen.backlog = 511\n"));
        assert!(fpm
            .global
            .contains("include=/etc/php/8.2/fpm/pool.d/*.conf"));
        assert!(fpm.global.contains("error_log = /var/log/php8.2-fpm.log"));
        assert!(
            !fpm.global.contains("pm.max_children"),
            "the pool is in its own file"
        );
        for text in [&fpm.global, &fpm.pool, &nginx] {
            assert!(!text.contains("{{"), "{text}");
        }
    }

    #[test]
    fn stage_six_fix_renders_an_upstream_pool() {
        let k = StagePlan::embedded().unwrap().knobs_after_fix(6);
        let nginx = render_nginx(&k);
        assert!(nginx.contains("keepalive 2;"));
        assert!(nginx.contains("fastcgi_pass php;"));
        assert!(nginx.contains("fastcgi_keep_conn on;"));
        let fpm = render_phpfpm(&k);
        assert!(fpm.pool.contains("listen.backlog = 8192"));
    }
}
