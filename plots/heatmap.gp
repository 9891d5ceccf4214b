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

eval svg(OUT)
# "pixels": one rectangle per cell; a plain image is embedded in the SVG as a bitmap that
# viewers scale with smoothing (rsvg blurred the cells into each other and the n/a row)
plot DATA matrix rowheaders using 1:2:3 with image pixels notitle
eval png(OUT)
replot
unset output
