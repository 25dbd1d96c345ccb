# guest: hello
# source: nested command files; an error stops every file and names FILE:LINE.
echo before\n
source helper.inc
echo never printed\n
