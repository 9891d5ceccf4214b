# hist.gp - one latency distribution, one curve per result file (lazytlb plot).
# DATA: N blocks, one per file (select with `index`): column 1 a value (UNIT), column 2 the
# share of that file's events at or below it (%, a CDF), column 3 the events in the bucket
# ending there; the block's first line names the series. Then N blocks of markers, the
# file's p50 and p99: value, percent, label.
# lazytlb plot writes the variables first: W, H (pixels), OUT (output name without
# extension), DATA (data file), N (series), TITLE, UNIT, XLABEL.
load 'common.gp'

set title TITLE
set ylabel 'events at or below (%)'
set logscale x 10
set yrange [0:105]
set ytics 0, 10, 100
set key bottom right
if (UNIT eq 'ns') {
	set xlabel XLABEL.' (log scale)'
	set xtics ('10 ns' 1e1, '100 ns' 1e2, '1 us' 1e3, '10 us' 1e4, '100 us' 1e5, '1 ms' 1e6, \
		'10 ms' 1e7, '100 ms' 1e8, '1 s' 1e9, '10 s' 1e10)
} else {
	set xlabel XLABEL.' ('.UNIT.', log scale)'
	set format x '%.0s%c'
}
# p50 and p99 as dotted guides
set arrow 1 from graph 0, first 50 to graph 1, first 50 nohead dt 3 lc rgb '#999999'
set arrow 2 from graph 0, first 99 to graph 1, first 99 nohead dt 3 lc rgb '#999999'

eval svg(OUT)
plot for [i=0:N-1] DATA index i using 1:2 with steps lt i+1 title columnheader(2), \
     for [i=0:N-1] DATA index N+i using 1:2 with points lt i+1 pt 7 ps 1.3 notitle, \
     for [i=0:N-1] DATA index N+i using 1:2:3 with labels left offset 1,-0.6+i*1.2 tc lt i+1 notitle
eval png(OUT)
replot
unset output
