module g(input [1:0] a, output [1:0] y);
  assign y = a;
endmodule
