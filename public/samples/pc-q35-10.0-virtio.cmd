# QEMU 10.0 (qemu-system-x86_64), machine pc-q35-10.0, stream pc-q35-10.0-virtio
# command line (chroot prefix = how this version was run):
chroot /work/roots/trixie qemu-system-x86_64 -machine pc-q35-10.0 -nodefaults -netdev user,id=n0 -device virtio-net-pci,netdev=n0 -drive if=none,id=d0,file=/work/qc/runs/disk.raw,format=raw -device virtio-blk-pci,drive=d0 -device virtio-balloon-pci -device virtio-serial-pci -device virtio-gpu-pci -device virtio-rng-pci -accel tcg -display none -m 64M -msg timestamp=on -qmp unix:/work/qc/runs/tmp/src-32525-mxbt6xit.sock,server=on,wait=off -trace 'vmstate_*' -trace 'savevm_*' -trace 'migration_*' -trace -vmstate_save_state_loop -trace -vmstate_n_elems -trace -vmstate_save_state_top -trace -vmstate_subsection_save_top -trace -vmstate_save_state_pre_save_res -trace -migration_transferred_bytes -D /work/qc/runs/out/streams/x86_64/10.0/pc-q35-10.0-virtio.save-trace.log -pidfile /work/qc/runs/tmp/src-32525-mxbt6xit.pid
# QMP session (command, arguments, reply):
["qmp_capabilities",null,{"return":{}}]
["query-version",null,{"return":{"qemu":{"micro":13,"minor":0,"major":10},"package":"Debian 1:10.0.13+ds-0+deb13u1"}}]
["query-status",null,{"return":{"status":"running","running":true}}]
["human-monitor-command",{"command-line":"info qtree"},"(reply saved in pc-q35-10.0-virtio.qtree.txt)"]
["migrate",{"uri":"exec:cat > /work/qc/runs/out/streams/x86_64/10.0/pc-q35-10.0-virtio.mig"},{"return":{}}]
["query-migrate",null,{"return":{"status":"completed","setup-time":5,"downtime":3,"total-time":15,"ram":{"total":67903488,"postcopy-requests":0,"dirty-sync-count":2,"multifd-bytes":0,"pages-per-second":0,"downtime-bytes":0,"page-size":4096,"remaining":0,"postcopy-bytes":0,"mbps":1480.0672,"transferred":1850084,"dirty-sync-missed-zero-copy":0,"precopy-bytes":1492486,"duplicate":16250,"dirty-pages-rate":0,"normal-bytes":1343488,"normal":328}}}]
["# query-migrate polled",2,"times"]
["query-status",null,{"return":{"status":"postmigrate","running":false}}]
["quit",null,{"return":{}}]
# migration result: completed; qemu exit code 0; wall 3.1s
# stream size: 1850084 bytes
