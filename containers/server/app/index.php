<?php
// The lab's application: one line of text, after a wait on its backend (a
// database, another service) that holds the php-fpm child without using CPU.
// The pool config sets how long (env BACKEND_WAIT_US, in microseconds).
$wait = (int) getenv('BACKEND_WAIT_US');
if ($wait > 0) {
    usleep($wait);
}
echo "Hello perflab!\n";
