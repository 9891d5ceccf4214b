# hist.gp - one latency histogram, one line per result file (lazytlb plot).
# DATA: one block per file (select with `index`); column 1 is a bucket's lower
# bound (UNIT), column 2 the share of that file's events in the bucket divided
# by the bucket's width in octaves (log2(hi/lo)): a density on the log axis,
# free of the saw-tooth that log-linear buckets of unequal width would draw;
# column 3 the plain percentage in the bucket. The block's first line names
# the series.
# lazytlb plot writes the variables first: W, H (pixels), OUT (output name
# without extension), DATA (data file), N (series), TITLE, UNIT.
load 'common.gp'

set title TITLE
set xlabel UNIT.' (log scale)'
set ylabel '% of events per octave'
set logscale x 10
set format x '%.0s%c'
set yrange [0:*]
set key top right

eval svg(OUT)
plot for [i=0:N-1] DATA index i using 1:2 with steps title columnheader(2)
eval png(OUT)
replot
unset output
