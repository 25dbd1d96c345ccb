// intr: interruptions: an IVT, a break handler that covers the interrupted frame, prints
// IIM/IIP/ISR.ei and resumes after the break with rfi; interval-timer interrupts (ITM/ITV,
// IVR, EOI) while the processor waits in PAL_HALT_LIGHT.
	.include "lib.inc"
	TIMER_VECTOR = 0xE1
	PERIOD = 2000

	.text
	.global _start
	.proc _start
_start:
	alloc r32=ar.pfs,0,8,2,0        // r33 = PAL entry, r40-r41 outputs
	mov r33=r8
	movl r2=ivt ;;
	mov cr.iva=r2 ;;
	srlz.i ;;
	movl r40=m_start ;;
	br.call.sptk.many b0=puts ;;
	mov r34=7 ;;
	break.i 0x1234 ;;               // the handler resumes at the next instruction
	add r34=1,r34 ;;
	{ .mii
	  break.m 0x55
	  add r34=1,r34 ;;
	  add r34=1,r34 ;; }
	cmp.ne p6,p0=10,r34
	(p6) br.cond.dpnt.few fail ;;
	movl r40=m_frame ;;
	br.call.sptk.many b0=puts ;;
	// interval timer: vector TIMER_VECTOR, unmasked, every PERIOD cycles
	mov r2=TIMER_VECTOR
	mov r3=0 ;;
	mov cr.itv=r2
	mov cr.tpr=r3 ;;
	mov r2=ar.itc ;;
	movl r3=PERIOD ;;
	add r2=r2,r3 ;;
	mov cr.itm=r2 ;;
	srlz.d ;;
	ssm 0x4000 ;;                   // PSR.i
	srlz.d ;;
wait:
	mov r28=29                      // PAL_HALT_LIGHT (static): sleep until an interrupt
	movl r2=woke ;;
	mov b0=r2
	mov b6=r33 ;;
	br.cond.sptk.many b6 ;;
woke:
	movl r2=ticks ;;
	ld8 r3=[r2] ;;
	cmp.gtu p6,p7=3,r3 ;;
	(p6) br.cond.sptk.few wait ;;
	rsm 0x4000 ;;
	movl r40=m_done ;;
	br.call.sptk.many b0=puts ;;
	mov r40=0 ;;
	br.call.sptk.many b0=exit ;;
fail:
	movl r40=m_fail ;;
	br.call.sptk.many b0=puts ;;
	mov r40=1 ;;
	br.call.sptk.many b0=exit ;;
	.endp _start

// Handlers run with PSR.ic = 0 in bank 0 (r16-r31 are theirs).  The library they call uses
// r2, r3, p6-p8, b0 and (through br.call) AR.PFS: save_state/restore_state keep the
// interrupted program's copies in bank-0 r24-r29.
	.macro save_state
	mov r24=r2
	mov r25=r3
	mov r26=pr
	mov r27=b0
	mov r28=ar.pfs ;;
	.endm
	.macro restore_state
	mov r2=r24
	mov r3=r25
	mov pr=r26,-1
	mov b0=r27
	mov ar.pfs=r28 ;;
	.endm

// the break handler: print, step over the break, rfi
	.proc on_break
on_break:
	save_state
	mov r16=cr.iim
	mov r17=cr.iip
	mov r18=cr.ipsr
	mov r19=cr.isr ;;
	cmp.eq p6,p0=0,r16
	(p6) br.cond.dpnt.few unexpected ;;
	cover ;;                         // IFS <- the interrupted frame (PSR.ic is 0)
	alloc r20=ar.pfs,0,2,1,0 ;;      // r32-r33 locals, r34 output
	movl r34=m_break ;;
	br.call.sptk.many b0=puts ;;
	mov r34=r16 ;;
	br.call.sptk.many b0=puthex ;;
	movl r34=m_at ;;
	br.call.sptk.many b0=puts ;;
	mov r34=r17 ;;
	br.call.sptk.many b0=puthex ;;
	movl r34=m_slot ;;
	br.call.sptk.many b0=puts ;;
	extr.u r34=r19,41,2 ;;
	br.call.sptk.many b0=puthex ;;
	movl r34=m_nl ;;
	br.call.sptk.many b0=puts ;;
	extr.u r21=r18,41,2 ;;           // IPSR.ri: the break's slot; resume at the next one
	cmp.eq p6,p7=2,r21 ;;
	(p6) adds r17=16,r17
	(p6) dep r18=0,r18,41,2
	(p7) adds r21=1,r21 ;;
	(p7) dep r18=r21,r18,41,2 ;;
	mov cr.iip=r17
	mov cr.ipsr=r18 ;;
	restore_state
	rfi ;;
unexpected:
	movl r34=m_unexp ;;
	br.call.sptk.many b0=puts ;;
	mov r34=r17 ;;
	br.call.sptk.many b0=puthex ;;
	mov r34=2 ;;
	br.call.sptk.many b0=exit ;;
	.endp on_break

// the external-interrupt handler: acknowledge through IVR, count, re-arm ITM, EOI
	.proc on_extint
on_extint:
	save_state
	mov r16=cr.ivr
	mov r17=TIMER_VECTOR ;;
	cmp.ne p6,p0=r17,r16
	(p6) br.cond.dpnt.few spurious ;;
	cover ;;
	alloc r20=ar.pfs,0,2,1,0 ;;
	movl r17=ticks ;;
	ld8 r18=[r17] ;;
	adds r18=1,r18 ;;
	st8 [r17]=r18
	movl r34=m_tick ;;
	br.call.sptk.many b0=puts ;;
	mov r34=r18 ;;
	br.call.sptk.many b0=puthex ;;
	movl r34=m_nl ;;
	br.call.sptk.many b0=puts ;;
	mov r2=ar.itc ;;
	movl r3=PERIOD ;;
	add r2=r2,r3 ;;
	mov cr.itm=r2 ;;
spurious:
	mov cr.eoi=r0 ;;
	srlz.d ;;
	restore_state
	rfi ;;
	.endp on_extint

	.data
	.align 8
ticks:   .quad 0
m_start: .asciz "intr: IVT installed\n"
m_break: .asciz "intr: break, IIM="
m_at:    .asciz " IIP="
m_slot:  .asciz " slot="
m_frame: .asciz "intr: both breaks resumed after themselves, register frame intact\n"
m_tick:  .asciz "intr: timer interrupt (IVR=0xe1), tick "
m_done:  .asciz "intr: three ticks while halted in PAL_HALT_LIGHT, done\n"
m_unexp: .asciz "intr: unexpected interruption at IIP="
m_fail:  .asciz "intr: FAILED\n"
m_nl:    .asciz "\n"

// the interruption vector table: 32 KiB aligned; unused entries are zero bundles, whose
// slot 0 is break.m 0, which the break handler reports as unexpected
	.section .ivt, "ax"
	.align 32768
ivt:
	.org ivt + 0x2c00
	br.sptk.many on_break ;;
	.org ivt + 0x3000
	br.sptk.many on_extint ;;
	.org ivt + 0x8000
