# common.gp - the look shared by every lazytlb plot. `lazytlb plot` copies it
# next to the scripts it writes; edit it there to restyle all plots at once,
# then re-run `gnuplot NAME.gp` in that directory.
#
# The loading script sets W and H (pixels) before `load 'common.gp'` and then
# does:  eval svg(OUT); plot ...; eval png(OUT); replot; unset output

# Series colours: Okabe-Ito, distinguishable with the common colour-vision deficiencies.
set linetype 1 lc rgb '#0072B2' lw 2 pt 7 ps 1.2
set linetype 2 lc rgb '#D55E00' lw 2 pt 5 ps 1.2
set linetype 3 lc rgb '#009E73' lw 2 pt 9 ps 1.2
set linetype 4 lc rgb '#CC79A7' lw 2 pt 11 ps 1.2
set linetype 5 lc rgb '#E69F00' lw 2 pt 13 ps 1.2
set linetype 6 lc rgb '#56B4E9' lw 2 pt 3 ps 1.2
set linetype 7 lc rgb '#F0E442' lw 2 pt 2 ps 1.2
set linetype 8 lc rgb '#000000' lw 2 pt 1 ps 1.2
set linetype cycle 8

# Heatmaps: a perceptually uniform sequential palette (viridis-like).
set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')

set grid lc rgb '#d8d8d8' lw 1
set border lc rgb '#404040'
set tics nomirror out
set key noenhanced box lc rgb '#bbbbbb' opaque samplen 2

# Kernel names and metric paths contain '_': no enhanced-text subscripts.
svg(out) = sprintf("set terminal svg size %d,%d noenhanced font 'Sans,12' background rgb 'white'; set output '%s.svg'", W, H, out)
png(out) = sprintf("set terminal pngcairo size %d,%d noenhanced font 'Sans,10' background rgb 'white'; set output '%s.png'", W, H, out)
