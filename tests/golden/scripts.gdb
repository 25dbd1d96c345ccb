# guest: hello
# The command language: define (with arguments), document, if/else, while, commands on a
# breakpoint, display, echo, printf, source, convenience variables.
define step-and-show
  stepi $arg0
  info registers rip
end
document step-and-show
Step N instructions and show RIP.
end
help step-and-show
step-and-show 2
set $count = 0
while $count < 3
  set $count = $count + 1
  if $count == 2
    echo two\n
  else
    printf "count is %d (%#x)\n", $count, $count * 16
  end
end
set $n = 0
while 1
  set $n = $n + 1
  if $n > 4
    loop_break
  end
end
p $n
break putc
commands
  silent
  printf "putc(%c)\n", $al
  continue
end
tbreak puts_done
continue
info breakpoints
delete
display/x $rax
display/i $pc
info display
stepi
undisplay 1
stepi
undisplay
printf "%s|%5d|%-4x|%c|%%\n", "str", 42, 255, 65
printf "%s\n", greeting
echo no newline,
echo  then one\n
show convenience
continue
p $_exitcode
