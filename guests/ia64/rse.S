// rse: the register stack engine: deep recursion through mandatory spills and fills,
// flushrs, a counted loop and a modulo-scheduled loop with rotating registers, PAL_RSE_INFO.
	.include "lib.inc"
	DEPTH = 40

	.text
	.global _start
	.proc _start
_start:
	alloc r32=ar.pfs,0,8,2,0       // r32-r39 locals, r40-r41 outputs
	mov r33=r8                      // PAL_PROC entry from the loader
	mov ar.rsc=0 ;;
	mov r34=ar.bsp ;;
	movl r40=m_start ;;
	br.call.sptk.many b0=puts ;;
	// PAL_RSE_INFO (static convention): r28 index, return through b0
	mov r28=19
	movl r2=pal_back ;;
	mov b0=r2
	mov b6=r33 ;;
	br.cond.sptk.many b6 ;;
pal_back:
	mov r35=r9 ;;
	movl r40=m_pal ;;
	br.call.sptk.many b0=puts ;;
	mov r40=r35 ;;
	br.call.sptk.many b0=puthex ;;
	movl r40=m_nl ;;
	br.call.sptk.many b0=puts ;;
	// sum(1..DEPTH) by recursion, 18-register frames: 720 registers through 96
	mov r40=DEPTH ;;
	br.call.sptk.many b0=sum ;;
	mov r36=r8 ;;
	movl r40=m_sum ;;
	br.call.sptk.many b0=puts ;;
	mov r40=r36 ;;
	br.call.sptk.many b0=puthex ;;
	movl r40=m_nl ;;
	br.call.sptk.many b0=puts ;;
	// every frame came back: BSP is where it started
	mov r37=ar.bsp ;;
	cmp.eq p6,p7=r37,r34 ;;
	(p7) br.cond.dpnt.few fail ;;
	movl r40=m_bsp ;;
	br.call.sptk.many b0=puts ;;
	// flushrs: the dirty registers go to the backing store, BSPSTORE catches up with BSP
	br.call.sptk.many b0=flush ;;
	cmp.eq p6,p7=r8,r0 ;;
	(p7) br.cond.dpnt.few fail ;;
	movl r40=m_flush ;;
	br.call.sptk.many b0=puts ;;
	// br.ctop: a software-pipelined copy-and-add over rotating registers
	alloc r2=ar.pfs,0,32,2,16 ;;    // r32-r47 rotate; r48-r63 locals; r64-r65 out
	mov r48=0                       // the sum
	mov r49=1 ;;                    // the counter
	mov ar.lc=9
	mov ar.ec=3
	mov pr.rot=1<<16 ;;
pipe:
	(p16) mov r32=r49               // stage 1: produce i
	(p18) add r48=r48,r34           // stage 3: consume the value produced two turns ago
	add r49=1,r49
	br.ctop.sptk.few pipe ;;
	mov r64=r48 ;;
	movl r2=m_pipe ;;
	mov r64=r2 ;;
	br.call.sptk.many b0=puts ;;
	mov r64=r48 ;;
	br.call.sptk.many b0=puthex ;;
	movl r64=m_nl ;;
	br.call.sptk.many b0=puts ;;
	mov r64=0 ;;
	br.call.sptk.many b0=exit ;;
fail:
	movl r40=m_fail ;;
	br.call.sptk.many b0=puts ;;
	mov r40=1 ;;
	br.call.sptk.many b0=exit ;;
	.endp _start

// sum(in0 = n) = n + sum(n - 1), with 16 locals holding copies that are checked on return
	.proc sum
sum:
	alloc r33=ar.pfs,1,18,1,0       // r32 in, r33-r50 locals, r51 out
	mov r34=b0
	cmp.eq p6,p7=0,r32 ;;
	(p6) mov r8=0
	(p6) br.cond.dpnt.few sum_out ;;
	add r35=r32,r32
	shl r50=r32,3
	adds r51=-1,r32 ;;
	br.call.sptk.many b0=sum ;;
	add r8=r8,r32
	add r2=r32,r32
	shl r3=r32,3 ;;
	cmp.ne p8,p0=r2,r35
	cmp.ne p9,p0=r3,r50 ;;
	(p8) mov r8=-1
	(p9) mov r8=-1 ;;
sum_out:
	mov ar.pfs=r33
	mov b0=r34 ;;
	br.ret.sptk.many b0 ;;
	.endp sum

// flush(): flushrs, then r8 = bsp - bspstore (0 when all dirty registers were written)
	.proc flush
flush:
	alloc r32=ar.pfs,0,1,0,0 ;;
	flushrs ;;
	mov r2=ar.bsp
	mov r3=ar.bspstore ;;
	sub r8=r2,r3
	mov ar.pfs=r32 ;;
	br.ret.sptk.many b0 ;;
	.endp flush

	.data
m_start: .asciz "rse: started, PAL_PROC entry from the loader\n"
m_pal:   .asciz "rse: PAL_RSE_INFO: physical stacked registers = "
m_sum:   .asciz "rse: sum(1..40) by recursion through 18-register frames = "
m_bsp:   .asciz "rse: all frames returned, AR.BSP is back where it started\n"
m_flush: .asciz "rse: flushrs wrote the dirty partition (AR.BSPSTORE == AR.BSP)\n"
m_pipe:  .asciz "rse: br.ctop pipeline over rotating registers, sum(1..10) = "
m_fail:  .asciz "rse: FAILED\n"
m_nl:    .asciz "\n"
