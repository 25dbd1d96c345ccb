# guest: ia64/tlb
# Virtual mode: an Alternate Data TLB catchpoint, the TLB, translations through TRs, TCs
# and the VHPT walker, and memory examined through them.
catch exception alt_dtlb if $cr.ifa == 0x2000000000304000
continue
info program
p/x $cr.ifa
info registers rr1 cr.itir cr.isr
info translate $cr.ifa
x/3i $pc
delete
# the handler inserts a translation; run to the interrupted slot (IIP + IPSR.ri)
break on_alt_dtlb
continue
advance *($cr.iip + ($cr.ipsr >> 41 & 3))
info translate 0x2000000000304000
delete
# before the first load in region 2: the debugger reads the VHPT entry itself (no insert)
advance *0x100601
info translate 0x4000000000050000
x/2xg 0x4000000000050000
stepi
info tlb
x/2xg 0x2000000000300000
xp/2xg 0x300000
info translate _start
continue
