// hello: greets on the serial console and exits with code 0.
	.include "lib.inc"

	.text
	.global _start
	.proc _start
_start:
	alloc r32=ar.pfs,0,2,1,0
	movl r34=greeting ;;
	br.call.sptk.many b0=puts ;;
	mov r34=0 ;;
	br.call.sptk.many b0=exit ;;
	.endp _start

	.data
greeting:
	.asciz "Hello from the vtdbg IA-64 model!\n"
