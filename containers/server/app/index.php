<?php
// The lab's application: as small as the seed's, so that every cost measured is
// the server's plumbing (connections, queues, ports), not the page itself.
echo "Hello perflab!\n";
