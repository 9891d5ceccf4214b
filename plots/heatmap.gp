# heatmap.gp - IPIs received per CPU, one row per result file (lazytlb plot).
# DATA: one line per file: its label, then IPIs received per second on CPU 0,
# 1, ...; NaN where that file has no such CPU (drawn blank).
# lazytlb plot writes the variables first: W, H (pixels), OUT (output name
# without extension), DATA (data file), NCPU, NROWS, TITLE.
load 'common.gp'

set title TITLE
set xlabel 'CPU'
set cblabel 'IPIs received per second'
set xrange [-0.5:NCPU-0.5]
set yrange [-0.5:NROWS-0.5]
if (NCPU <= 32) { set xtics 1 }
set grid noxtics noytics
unset key
set cbrange [0:*]

set style textbox opaque fc rgb 'white' noborder margins 2,1

eval svg(OUT)
# one rectangle per cell: `with image` draws nothing for a single file (one row), and its SVG
# bitmap is scaled with smoothing by viewers; the rate is printed in each cell up to 16 CPUs
plot DATA matrix rowheaders using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder fc palette notitle, \
     DATA matrix rowheaders using 1:2:(NCPU <= 16 && $3 == $3 ? sprintf('%.3g', $3) : '') with labels boxed notitle
eval png(OUT)
replot
unset output
