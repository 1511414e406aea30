using RobustLab.Training.Data;
using RobustLab.Training.Models;

namespace RobustLab.Tests.Models;

/// <summary>One rule for "does this model take these images": the constructors, the pipeline and the form ask it.</summary>
public class ModelFactoryTests
{
    [Theory]
    [InlineData("lenet", 1, 28, 28, true)]
    [InlineData("LeNet", 3, 32, 32, true)]
    [InlineData("lenet", 1, 30, 30, false)]
    [InlineData("lenet", 1, 28, 32, false)]
    [InlineData("alexnet", 3, 32, 32, true)]
    [InlineData("alexnet", 1, 64, 64, true)]
    // 28x28 (Fashion-MNIST, MNIST) is padded to 32x32 by the models that need a multiple of 32.
    [InlineData("alexnet", 1, 28, 28, true)]
    [InlineData("alexnet", 1, 28, 32, false)]
    [InlineData("resnet20", 1, 28, 28, true)]
    [InlineData("resnet20", 3, 32, 32, true)]
    [InlineData("resnet20", 1, 30, 30, true)]
    [InlineData("resnet20", 3, 32, 28, false)]
    [InlineData("vgg11bn", 1, 28, 28, true)]
    [InlineData("vgg11bn", 3, 32, 32, true)]
    [InlineData("vgg11bn", 3, 28, 32, false)]
    public void InputProblem_accepts_exactly_the_shapes_the_network_can_build(string model, int c, int h, int w, bool fits)
    {
        var shape = new ImageShape(c, h, w);
        var problem = ModelFactory.InputProblem(model, shape);
        Assert.Equal(fits, problem is null);
        if (fits)
        {
            using var net = ModelFactory.Create(new ModelSpec(model, shape, 10, Normalization.Identity(c)));
            Assert.NotNull(net);
        }
        else
        {
            Assert.Contains($"{h}x{w}", problem);
            var e = Assert.Throws<ArgumentException>(() => ModelFactory.Create(new ModelSpec(model, shape, 10, Normalization.Identity(c))));
            Assert.Contains(problem!, e.Message);
        }
    }

    [Fact]
    public void An_unknown_model_is_named_with_the_known_ones()
    {
        var problem = ModelFactory.InputProblem("resnet1000", new ImageShape(1, 28, 28));
        Assert.Contains("resnet1000", problem);
        Assert.Contains("lenet", problem);
        Assert.False(ModelFactory.IsKnown("resnet1000"));
        Assert.True(ModelFactory.IsKnown("AlexNet"));
    }
}
