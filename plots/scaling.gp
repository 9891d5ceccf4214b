# scaling.gp - a rate against CPUs or threads, one line per kernel (lazytlb plot).
# DATA: one block per kernel (select with `index`): x, mean rate over reps,
# its standard deviation; the block's first line names the series.
# lazytlb plot writes the variables first: W, H (pixels), OUT (output name
# without extension), DATA (data file), N (series), TITLE, XLABEL, YLABEL, LOGX, KEY.
load 'common.gp'

set title TITLE
set xlabel XLABEL
set ylabel YLABEL
set yrange [0:*]
set offsets graph 0.05, graph 0.05, 0, 0
set key top left
# LOGX (optional): a log x axis of that base, for CPU counts that double
if (exists("LOGX")) set logscale x LOGX
# KEY (optional): where the legend goes ("below": many or long series names)
if (exists("KEY")) eval "set key ".KEY

eval svg(OUT)
plot for [i=0:N-1] DATA index i using 1:2:3 with yerrorlines title columnheader(2)
eval png(OUT)
replot
unset output
